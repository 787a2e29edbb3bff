// The top-level keys of a JSON object in source order, duplicates included.
// JSON.parse keeps the last of two equal keys silently; the safetensors spec
// forbids duplicates, so the header is scanned once for its keys first.
// Only the nesting depth and strings are tracked: JSON.parse has already said
// the text is valid JSON, so nothing else can hide a key.

/** Keys of the outermost object of `text`, which must be valid JSON (parse it first). */
export function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      const literal = text.slice(start, i + 1);
      i++;
      if (depth === 1) {
        let j = i;
        while (j < text.length && /\s/.test(text[j]!)) j++;
        if (text[j] === ":") keys.push(JSON.parse(literal) as string);
      }
      continue;
    }
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    i++;
  }
  return keys;
}
