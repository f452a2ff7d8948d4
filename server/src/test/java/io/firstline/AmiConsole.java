package io.firstline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Another AMI client of the simulated PBX (as its console would be): logs in, sends actions, asserts each succeeds. */
public final class AmiConsole {

    private AmiConsole() {
    }

    public static void send(int port, String... actions) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            in.readLine();
            List<String> all = new ArrayList<>();
            all.add("Action: Login\r\nUsername: firstline\r\nSecret: firstline-secret\r\nEvents: off\r\n");
            all.addAll(List.of(actions));
            for (String a : all) {
                out.write((a + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                String line;
                while ((line = in.readLine()) != null && !line.startsWith("Response:")) {
                    // skips anything before the answer
                }
                assertThat(line).as(a).isEqualTo("Response: Success");
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    // the rest of the answer
                }
            }
        }
    }
}
