"""The standard jupyter_kernel_test conformance suite against the compactor kernel.

Run by test/kernel/kernel.test.ts with JUPYTER_PATH pointing at a freshly
installed kernelspec and COMPACTOR_HISTORY_FILE at an empty temporary file.
"""
import unittest

import jupyter_kernel_test


class CompactorKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "compactor"
    language_name = "typescript"
    file_extension = ".ts"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The first cell waits for TypeScript and the DSL to load; on a busy
        # machine that passes the suite's 15 s per-message timeout, so warm up here.
        reply = cls.kc.execute_interactive("0", timeout=180)
        assert reply["content"]["status"] == "ok", reply["content"]

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("some text on stderr")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "const fooBar = 1; fooB", "matches": {"fooBar"}},
        {"text": "clearOut", "matches": {"clearOutput"}},
    ]
    complete_code_samples = ["1", "const x = 2;", "function f() { return 1; }", "for (const i of [1, 2]) {}"]
    # An unterminated template literal continues on the next line, as in Node's REPL.
    incomplete_code_samples = ["function f() {", "const a = [1,", "if (true) {", "const s = `abc", "const s = `a ${1} b"]
    invalid_code_samples = ["const = 5", "1 +* 2", "const const x = 1"]

    code_generate_error = 'throw new Error("deliberate failure")'

    code_execute_result = [
        {"code": "1 + 1", "result": "2"},
        {"code": "'a' + 'b'", "result": "ab"},
        {"code": "[1, 2, 3].length", "result": "3"},
        {"code": "const h1 = 10; h1 * 2", "result": "20"},
    ]

    code_display_data = [
        {"code": 'display({ "text/html": "<b>bold</b>", "text/plain": "bold" })', "mime": "text/html"},
        {"code": 'display({ "text/markdown": "*hi*", "text/plain": "hi" })', "mime": "text/markdown"},
    ]

    code_history_pattern = "1 +*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main()
