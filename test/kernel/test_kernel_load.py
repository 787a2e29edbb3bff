"""The kernel under load and faults, with real Jupyter clients: every check runs
while CPU burners this file starts (two per core) keep the machine saturated,
as on a user's busy laptop. Interrupts by message and by signal (synchronous
loops, code after an await, awaiting cells, our wasm kernels, training), hostile
and broken frames, a burst of 1,000 requests, 50 MB of output, memory over 500
executes, and restart. Run by test/kernel/kernel.test.ts."""
import json
import os
import signal
import subprocess
import sys
import time
import unittest

import zmq
from jupyter_client.manager import start_new_kernel

TIMEOUT = 120
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DIST = os.path.join(ROOT, "dist", "src")
BURNERS = 2 * (os.cpu_count() or 2)


def burn():
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


class KernelUnderLoad(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.burners = [burn() for _ in range(BURNERS)]
        cls.km, cls.kc = start_new_kernel(kernel_name="compactor", startup_timeout=180)
        cls.run_cell("0", timeout=300)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)
        for burner in cls.burners:
            burner.kill()
            burner.wait()

    @classmethod
    def run_cell(cls, code, timeout=TIMEOUT, **kwargs):
        outputs = []
        reply = cls.kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append, **kwargs)
        return reply["content"], [(m["msg_type"], m["content"]) for m in outputs if m["msg_type"] != "status"]

    def value_of(self, code, timeout=TIMEOUT):
        content, outputs = self.run_cell(code, timeout=timeout)
        self.assertEqual(content["status"], "ok", content)
        return dict(outputs)["execute_result"]["data"]["text/plain"]

    def reply_to(self, msg_id, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.kc.get_shell_msg(timeout=deadline - time.time())
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]
        raise AssertionError("no reply")

    def interrupt_by_message(self):
        self.kc.control_channel.send(self.kc.session.msg("interrupt_request", {}))
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            msg = self.kc.get_control_msg(timeout=deadline - time.time())
            if msg["msg_type"] == "interrupt_reply":
                return
        raise AssertionError("no interrupt_reply")

    def interrupt_by_signal(self):
        self.km.signal_kernel(signal.SIGINT)  # to the kernel's process group, as signal-mode frontends do

    def assert_interrupted(self, code, interrupt, wait=2.0):
        """Starts `code`, interrupts it after `wait` s, and checks the cell was stopped and the kernel answers."""
        msg_id = self.kc.execute(code)
        time.sleep(wait)
        interrupt()
        reply = self.reply_to(msg_id)
        self.assertEqual(reply["status"], "error", reply)
        self.assertEqual(reply["ename"], "InterruptedError", reply)
        self.assertEqual(self.value_of("1 + 1"), "2")
        self.assertTrue(self.km.is_alive())

    # -- interrupts -------------------------------------------------------------------------------

    def test_interrupt_sync_loop(self):
        for name, interrupt in (("message", self.interrupt_by_message), ("signal", self.interrupt_by_signal)):
            with self.subTest(interrupt=name):
                self.run_cell(f"let syncLoop_{name} = 0;")
                self.assert_interrupted(f"while (true) {{ syncLoop_{name}++; }}", interrupt)
                self.assertEqual(self.value_of(f"syncLoop_{name} > 0"), "true")

    def test_interrupt_sync_loop_after_await(self):
        for name, interrupt in (("message", self.interrupt_by_message), ("signal", self.interrupt_by_signal)):
            with self.subTest(interrupt=name):
                self.run_cell(f"let afterAwait_{name} = 0;")
                self.assert_interrupted(f"await null; while (true) {{ afterAwait_{name}++; }}", interrupt)
                self.assertEqual(self.value_of(f"afterAwait_{name} > 0"), "true")

    def test_interrupt_awaiting_cell(self):
        for name, interrupt in (("message", self.interrupt_by_message), ("signal", self.interrupt_by_signal)):
            with self.subTest(interrupt=name):
                self.assert_interrupted("await new Promise(() => {})", interrupt)

    def test_interrupts_in_quick_succession(self):
        # Several interrupts for one cell, then one for an idle kernel: none may kill it.
        msg_id = self.kc.execute("while (true) {}")
        time.sleep(1.5)
        for _ in range(5):
            self.interrupt_by_message()
        self.assertEqual(self.reply_to(msg_id)["ename"], "InterruptedError")
        self.interrupt_by_message()
        self.interrupt_by_signal()
        time.sleep(0.5)
        self.assertEqual(self.value_of("'still here'"), "still here")

    def wasm_setup(self):
        content, _ = self.run_cell(
            f'import {{ tf }} from "{DIST}/runtime/tfjs/tf.js";\n'
            f'import {{ initBackend }} from "{DIST}/runtime/tfjs/backends.js";\n'
            f'import {{ winogradConv2d }} from "{DIST}/runtime/tfjs/kernels/winograd.js";\n'
            f'import {{ liveScratchBlocks }} from "{DIST}/runtime/tfjs/kernels/module.js";\n'
            'await initBackend("wasm");\n'
            "const wx = tf.randomNormal([1, 96, 96, 32]) as any, ww = tf.randomNormal([3, 3, 32, 32]) as any;\n"
            'const conv = () => winogradConv2d(wx, ww, undefined, [1, 1, 1, 1], [1, 1], [1, 1], "linear")!;\n'
            "const expected = Array.from(conv().dataSync());\n"
            "const tensorsBefore = tf.memory().numTensors;",
            timeout=300,
        )
        self.assertEqual(content["status"], "ok", content)

    def test_interrupt_mid_wasm_kernel_frees_scratch(self):
        # Nearly all of each iteration runs inside our Winograd kernel, between its
        # scratch allocation and its (skipped) `finally`.
        self.wasm_setup()
        cases = (
            ("sync, message", "", self.interrupt_by_message),
            ("sync, signal", "", self.interrupt_by_signal),
            ("after await, message", "await null; ", self.interrupt_by_message),
            ("after await, signal", "await null; ", self.interrupt_by_signal),
        )
        for i, (name, prefix, interrupt) in enumerate(cases):
            with self.subTest(case=name):
                self.run_cell(f"let convs{i} = 0;")
                # tf.tidy: a stop inside it leaves its scope open, for the kernel to close.
                self.assert_interrupted(f"{prefix}while (true) {{ tf.tidy(() => {{ conv(); }}); convs{i}++; }}", interrupt)
                self.assertEqual(self.value_of(f"convs{i} > 0"), "true")
                self.assertEqual(self.value_of("liveScratchBlocks()"), "0")
                # The kernel still gives the same numbers, and no tensors were left behind.
                self.assertEqual(self.value_of("JSON.stringify(tf.tidy(() => Array.from(conv().dataSync()))) === JSON.stringify(expected)"), "true")
                self.assertEqual(self.value_of("tf.memory().numTensors - tensorsBefore"), "0")

    def test_interrupt_training(self):
        self.run_cell("const digits = await datasets.mnist();", timeout=300)
        for name, interrupt in (("message", self.interrupt_by_message), ("signal", self.interrupt_by_signal)):
            with self.subTest(interrupt=name):
                self.assert_interrupted("await models.mlp([784, 64, 10]).apply(train({ data: digits.train, epochs: 1000 }))", interrupt, wait=8.0)
                # Training stopped (it does not go on in the background): a short one runs now and finishes.
                content, _ = self.run_cell("await models.mlp([784, 10]).apply(train({ data: digits.train.take(256), epochs: 1 })); 'trained'", timeout=300)
                self.assertEqual(content["status"], "ok", content)

    # -- hostile and broken frames ----------------------------------------------------------------

    def raw_socket(self, port):
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(f"{self.km.transport}://{self.km.ip}:{port}")
        return sock

    def test_bad_frames_are_dropped_on_shell_and_control(self):
        session = self.kc.session
        header = json.dumps({"msg_id": "evil", "msg_type": "execute_request", "session": "s", "username": "u", "date": "", "version": "5.3"}).encode()
        evil = json.dumps({"code": "globalThis.pwned = true", "silent": False}).encode()
        signed = lambda parts: session.sign(parts)  # noqa: E731
        bad = [
            [b"<IDS|MSG>", b"0" * 64, header, b"{}", b"{}", evil],  # bad signature
            [b"<IDS|MSG>", b"", header, b"{}", b"{}", evil],  # no signature
            [b"<IDS|MSG>", b"x"],  # too few frames
            [b"no delimiter at all"],
            [b"<IDS|MSG>", signed([b"{not json", b"{}", b"{}", b"{}"]), b"{not json", b"{}", b"{}", b"{}"],
            [b"<IDS|MSG>", signed([b"[1]", b"{}", b"{}", evil]), b"[1]", b"{}", b"{}", evil],  # header not an object
            [b"<IDS|MSG>", signed([header, b"{}", b"{}", b"[]"]), header, b"{}", b"{}", b"[]"],  # content not an object
            [b"<IDS|MSG>", signed([header, b"{}", b"{}", evil])[:10], header, b"{}", b"{}", evil],  # truncated signature
            [b"\xff" * 70000],  # a large binary frame
        ]
        for port in (self.km.shell_port, self.km.control_port, self.km.stdin_port):
            sock = self.raw_socket(port)
            for frames in bad:
                sock.send_multipart(frames)
            sock.close()
        time.sleep(1)
        self.assertEqual(self.value_of("typeof (globalThis as any).pwned"), "undefined")
        self.assertTrue(self.km.is_alive())

    def test_unknown_message_types_get_an_error_reply(self):
        session = self.kc.session
        for channel, get in ((self.kc.shell_channel, self.kc.get_shell_msg), (self.kc.control_channel, self.kc.get_control_msg)):
            msg = session.msg("made_up_request", {})
            channel.send(msg)
            deadline = time.time() + TIMEOUT
            while True:
                reply = get(timeout=deadline - time.time())
                if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                    break
            self.assertEqual(reply["msg_type"], "made_up_reply")
            self.assertEqual(reply["content"]["status"], "error")
            self.assertEqual(reply["content"]["ename"], "UnsupportedMessage")
            # Not a request: logged, no reply, nothing breaks.
            channel.send(session.msg("made_up_notice", {}))
        self.assertEqual(self.value_of("'ok'"), "ok")

    def test_replayed_messages_are_refused(self):
        self.run_cell("(globalThis as any).replays = 0;")
        session = self.kc.session
        msg = session.msg("execute_request", {"code": "(globalThis as any).replays++", "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        frames = session.serialize(msg)
        sock = self.raw_socket(self.km.shell_port)
        for _ in range(3):
            sock.send_multipart(frames)
        # The first copy is answered; the replays are dropped.
        self.assertTrue(sock.poll(TIMEOUT * 1000))
        reply = session.deserialize(session.feed_identities(sock.recv_multipart())[1])
        self.assertEqual(reply["msg_type"], "execute_reply")
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(sock.poll(2000), 0)
        sock.close()
        # An interrupt replayed on control is refused too (no second reply).
        control = self.raw_socket(self.km.control_port)
        frames = session.serialize(session.msg("interrupt_request", {}))
        control.send_multipart(frames)
        control.send_multipart(frames)
        self.assertTrue(control.poll(TIMEOUT * 1000))
        control.recv_multipart()
        self.assertEqual(control.poll(2000), 0)
        control.close()
        self.assertEqual(self.value_of("(globalThis as any).replays"), "1")

    # -- volume -----------------------------------------------------------------------------------

    def test_burst_of_1000_execute_requests(self):
        ids = [self.kc.execute(f"{i} * 2", store_history=False) for i in range(1000)]
        sent = set(ids)
        replies = []
        deadline = time.time() + 900
        while len(replies) < len(ids):
            msg = self.kc.get_shell_msg(timeout=deadline - time.time())
            if msg["msg_type"] == "execute_reply" and msg["parent_header"].get("msg_id") in sent:
                replies.append(msg)
        self.assertEqual([r["parent_header"]["msg_id"] for r in replies], ids)  # all answered, in order
        self.assertEqual({r["content"]["status"] for r in replies}, {"ok"})
        # Every result reached iopub too, for the right request.
        results = {}
        while len(results) < len(ids):
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["msg_type"] == "execute_result" and msg["parent_header"].get("msg_id") in sent:
                results[msg["parent_header"]["msg_id"]] = msg["content"]["data"]["text/plain"]
        self.assertEqual([results[i] for i in ids], [str(2 * n) for n in range(1000)])

    def test_cell_printing_50_mb(self):
        start = time.time()
        # 50 writes of 1 MB (console.log adds the newline).
        content, outputs = self.run_cell('for (let i = 0; i < 50; i++) console.log("x".repeat(1024 * 1024 - 1));', timeout=600)
        self.assertEqual(content["status"], "ok", content)
        stdout = sum(len(c["text"]) for k, c in outputs if k == "stream" and c["name"] == "stdout")
        self.assertEqual(stdout, 10 * 1024 * 1024)  # the per-cell limit (kernel/io.ts)
        notes = "".join(c["text"] for k, c in outputs if k == "stream" and c["name"] == "stderr")
        self.assertIn("output truncated", notes)
        print(f"50 MB cell under load: {time.time() - start:.1f} s", file=sys.stderr)
        self.assertEqual(self.value_of("'after'"), "after")

    def rss_mb(self):
        with open(f"/proc/{self.km.provisioner.process.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    def test_memory_over_500_executes(self):
        cell = 'const words = Array.from({ length: 2000 }, (_, i) => "w" + i); words.join(" ").length'
        main_heap = 'Math.round(process.memoryUsage().heapUsed / 1048576)'
        for _ in range(50):  # warm up: compiler caches, JIT
            self.run_cell(cell)
        heap_before = int(self.value_of(main_heap))

        def five_hundred():
            before = self.rss_mb()
            for _ in range(500):
                content, _ = self.run_cell(cell)
                self.assertEqual(content["status"], "ok")
            after = self.rss_mb()
            print(f"RSS over 500 executes: {before:.0f} MB -> {after:.0f} MB", file=sys.stderr)
            return after - before

        # The process's RSS also holds the TypeScript converter's heap (its own thread), which after the earlier
        # tests (tfjs's types imported by a cell) grows and shrinks by 100-200 MB as that isolate collects:
        # measured 503 -> 511 -> 547 -> 564 -> 711 -> 654 -> 637 MB over six rounds of 250, the main thread's heap
        # flat at 46-49 MB all along. A leak grows in every round; that breathing does not.
        growths = [five_hundred() for _ in range(3)]
        self.assertLess(min(growths), 50, f"RSS grew in every round of 500 executes: {growths} MB")
        # Cells' own values live on the main thread's heap: it must stay where it was.
        self.assertLess(int(self.value_of(main_heap)) - heap_before, 20)

    # -- restart (last: the kernel is replaced) ---------------------------------------------------

    def test_zz_restart_while_a_cell_loops(self):
        self.kc.execute("while (true) {}")
        time.sleep(1.5)
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=300)
        content, _ = self.run_cell("syncLoop_message", timeout=300)  # a fresh session: earlier names are gone
        self.assertEqual(content["status"], "error")
        self.assertIn("syncLoop_message", content["evalue"])
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=300)
        self.assertEqual(self.value_of("40 + 2", timeout=300), "42")


if __name__ == "__main__":
    unittest.main()
