"""Checks beyond jupyter_kernel_test: display updates, interrupts that keep
state, stdin, comms, bad signatures, output limits, imports and restart.
Run by test/kernel/kernel.test.ts (see there for the environment)."""
import signal
import time
import unittest

import zmq
from jupyter_client.manager import start_new_kernel

TIMEOUT = 60


class KernelExtras(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="compactor", startup_timeout=120)
        cls.run_cell("0", timeout=180)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)

    @classmethod
    def run_cell(cls, code, timeout=TIMEOUT, **kwargs):
        outputs = []
        reply = cls.kc.execute_interactive(code, timeout=timeout, output_hook=outputs.append, **kwargs)
        return reply["content"], [(m["msg_type"], m["content"]) for m in outputs if m["msg_type"] != "status"]

    def start_cell(self, code):
        """Send a cell without waiting; returns its msg_id."""
        return self.kc.execute(code)

    def reply_to(self, msg_id, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.kc.get_shell_msg(timeout=deadline - time.time())
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg["content"]
        raise AssertionError("no reply")

    def test_update_display_data(self):
        _, outputs = self.run_cell('const handle = display("first", { displayId: true }); handle.update("second")')
        kinds = [k for k, _ in outputs]
        self.assertIn("display_data", kinds)
        self.assertIn("update_display_data", kinds)
        shown = dict(outputs)["display_data"]
        updated = dict(outputs)["update_display_data"]
        self.assertEqual(shown["transient"]["display_id"], updated["transient"]["display_id"])
        self.assertIn("second", updated["data"]["text/plain"])

    def test_interrupt_sync_loop_by_signal_keeps_state(self):
        self.run_cell("const before = 41;")
        msg_id = self.start_cell("while (true) {}")
        time.sleep(1.5)
        self.km.signal_kernel(signal.SIGINT)  # what a frontend in signal mode sends
        reply = self.reply_to(msg_id)
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "InterruptedError")
        content, outputs = self.run_cell("before + 1")
        self.assertEqual(content["status"], "ok")
        self.assertIn(("execute_result", {"execution_count": content["execution_count"], "data": {"text/plain": "42"}, "metadata": {}}), outputs)

    def test_interrupt_by_message(self):
        self.run_cell("let counter = 7;")
        msg_id = self.start_cell("while (true) { counter++; }")
        time.sleep(1.5)
        self.kc.control_channel.send(self.kc.session.msg("interrupt_request", {}))
        control = self.kc.get_control_msg(timeout=TIMEOUT)
        self.assertEqual(control["msg_type"], "interrupt_reply")
        reply = self.reply_to(msg_id)
        self.assertEqual(reply["ename"], "InterruptedError")
        content, outputs = self.run_cell("counter > 7")
        self.assertEqual(dict(outputs)["execute_result"]["data"]["text/plain"], "true")

    def test_interrupt_sync_loop_after_await_keeps_state(self):
        # The loop runs from the microtask queue, outside vm's breakOnSigint: only the
        # control thread's watchdog (kernel/stuck-main-thread.ts) can stop it.
        self.run_cell("let afterAwait = 1;")
        msg_id = self.start_cell("await null; while (true) { afterAwait++; }")
        time.sleep(1.5)
        self.km.interrupt_kernel()  # interrupt_mode "message": interrupt_request on control
        reply = self.reply_to(msg_id)
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "InterruptedError")
        content, outputs = self.run_cell("afterAwait > 1")
        self.assertEqual(content["status"], "ok")
        self.assertEqual(dict(outputs)["execute_result"]["data"]["text/plain"], "true")

    def test_interrupt_awaiting_cell(self):
        msg_id = self.start_cell("await new Promise(() => {})")
        time.sleep(1.5)
        self.km.interrupt_kernel()
        self.assertEqual(self.reply_to(msg_id)["ename"], "InterruptedError")

    def test_stdin_input(self):
        prompts = []

        def answer(msg):
            prompts.append(msg["content"]["prompt"])
            self.kc.input("Ada")

        content, outputs = self.run_cell('const who = await input("Name? "); "hi " + who', allow_stdin=True, stdin_hook=answer)
        self.assertEqual(prompts, ["Name? "])
        self.assertEqual(dict(outputs)["execute_result"]["data"]["text/plain"], "hi Ada")

    def test_input_without_stdin_is_an_error(self):
        content, _ = self.run_cell('await input("x")', allow_stdin=False)
        self.assertEqual(content["status"], "error")
        self.assertIn("allow_stdin", content["evalue"])

    def test_comms_both_directions(self):
        self.run_cell('comms.register("echo", (comm, data) => { comm.send({ opened: data }); comm.onMsg((d) => comm.send({ echo: d })); })')
        session = self.kc.session
        open_msg = session.msg("comm_open", {"comm_id": "c-1", "target_name": "echo", "data": {"hello": 1}})
        self.kc.shell_channel.send(open_msg)
        self.kc.shell_channel.send(session.msg("comm_msg", {"comm_id": "c-1", "data": {"ping": 2}}))
        received = self.iopub_until(lambda m: m["msg_type"] == "comm_msg" and "echo" in m["content"]["data"])
        datas = [m["content"]["data"] for m in received if m["msg_type"] == "comm_msg"]
        self.assertIn({"opened": {"hello": 1}}, datas)
        self.assertIn({"echo": {"ping": 2}}, datas)
        info = self.kc.comm_info(target_name="echo", reply=True) if hasattr(self.kc, "comm_info") else None
        if info is None:
            self.kc.shell_channel.send(session.msg("comm_info_request", {"target_name": "echo"}))
            info = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(info["msg_type"], "comm_info_reply")
        self.assertEqual(info["content"]["comms"], {"c-1": {"target_name": "echo"}})
        self.kc.shell_channel.send(session.msg("comm_close", {"comm_id": "c-1", "data": {}}))
        # kernel-opened comm
        _, outputs = self.run_cell('const k = comms.open("from-kernel", { x: 1 }); k.send({ y: 2 }); k.close()')
        kinds = [k for k, _ in outputs]
        self.assertEqual(kinds[kinds.index("comm_open"):], ["comm_open", "comm_msg", "comm_close"])
        self.assertEqual(dict(outputs)["comm_open"]["target_name"], "from-kernel")

    def test_comm_open_unknown_target_is_closed(self):
        self.kc.shell_channel.send(self.kc.session.msg("comm_open", {"comm_id": "nobody", "target_name": "missing", "data": {}}))
        received = self.iopub_until(lambda m: m["msg_type"] == "comm_close")
        self.assertEqual(received[-1]["content"]["comm_id"], "nobody")

    def iopub_until(self, done, timeout=TIMEOUT):
        received = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.kc.get_iopub_msg(timeout=deadline - time.time())
            received.append(msg)
            if done(msg):
                return received
        raise AssertionError("condition not met")

    def test_bad_signature_and_garbage_are_dropped(self):
        ctx = zmq.Context.instance()
        sock = ctx.socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(f"{self.km.transport}://{self.km.ip}:{self.km.shell_port}")
        import json
        header = json.dumps({"msg_id": "evil", "msg_type": "execute_request", "session": "s", "username": "u", "date": "", "version": "5.3"}).encode()
        content = json.dumps({"code": "globalThis.pwned = true", "silent": False}).encode()
        sock.send_multipart([b"<IDS|MSG>", b"0" * 64, header, b"{}", b"{}", content])
        sock.send_multipart([b"<IDS|MSG>", b"x"])
        sock.send_multipart([b"no delimiter at all"])
        sock.close()
        time.sleep(0.5)
        content, outputs = self.run_cell("typeof (globalThis as any).pwned")
        self.assertEqual(dict(outputs)["execute_result"]["data"]["text/plain"], "undefined")
        self.assertTrue(self.km.is_alive())

    def test_errors_have_cell_positions(self):
        content, _ = self.run_cell("const ok = 1;\nlet broken = ;")
        self.assertEqual(content["ename"], "SyntaxError")
        self.assertIn("line 2, column 14", content["evalue"])
        content, _ = self.run_cell("const n: number = 'text';")
        self.assertEqual(content["ename"], "TypeError")
        content, _ = self.run_cell("function thrower() {\n  return null as any;\n}\nconst v = 1;\nthrower().field")
        self.assertEqual(content["status"], "error")
        self.assertTrue(any("line 5" in line for line in content["traceback"]), content["traceback"])
        content, _ = self.run_cell("throw 42")
        self.assertEqual((content["ename"], content["evalue"]), ("Error", "42"))

    def test_huge_output_is_truncated(self):
        _, outputs = self.run_cell('process.stdout.write("x".repeat(11 * 1024 * 1024))', timeout=120)
        text = "".join(c["text"] for k, c in outputs if k == "stream" and c["name"] == "stdout")
        self.assertEqual(len(text), 10 * 1024 * 1024)
        notes = "".join(c["text"] for k, c in outputs if k == "stream" and c["name"] == "stderr")
        self.assertIn("output truncated", notes)

    def test_imports(self):
        content, outputs = self.run_cell('import { strToU8 } from "fflate";\nimport * as path from "node:path";\nimport { display as show } from "compactor";\n[strToU8("ab").length, path.basename("/a/b.ts"), typeof show]')
        self.assertEqual(content["status"], "ok", content)
        self.assertEqual(dict(outputs)["execute_result"]["data"]["text/plain"], "[ 2, 'b.ts', 'function' ]")

    def test_dsl_preloaded(self):
        content, outputs = self.run_cell("[typeof load, typeof models, typeof datasets, typeof train, typeof display, typeof plot].join(' ')")
        self.assertEqual(content["status"], "ok", content)
        self.assertEqual(dict(outputs)["execute_result"]["data"]["text/plain"], "function object object function function function")

    def test_silent_and_counts(self):
        first, _ = self.run_cell("1")
        content, outputs = self.run_cell("2", silent=True)
        self.assertEqual(outputs, [])
        third, _ = self.run_cell("3", store_history=False)
        fourth, _ = self.run_cell("4")
        self.assertEqual(fourth["execution_count"], first["execution_count"] + 1)

    def test_user_expressions(self):
        self.run_cell("const ue = 5;")
        content, _ = self.run_cell("0", user_expressions={"double": "ue * 2", "bad": "nope.x"})
        self.assertEqual(content["user_expressions"]["double"]["data"]["text/plain"], "10")
        self.assertEqual(content["user_expressions"]["bad"]["status"], "error")

    def test_zz_restart_keeps_history(self):
        self.run_cell('const marker = "before restart";')
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=120)
        content, _ = self.run_cell("typeof marker", timeout=180)
        self.assertEqual(content["status"], "error")  # a fresh session: the name is gone
        self.kc.history(hist_access_type="tail", n=50)
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        sources = [h[2] for h in reply["content"]["history"]]
        self.assertIn('const marker = "before restart";', sources)


if __name__ == "__main__":
    unittest.main()
