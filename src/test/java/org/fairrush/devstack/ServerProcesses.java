package org.fairrush.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Server processes a test fixture started under one home folder: killed, waited for and removed together. */
final class ServerProcesses implements AutoCloseable {

    private final Path home;
    private final List<Process> processes = new ArrayList<>();

    ServerProcesses(Path home) {
        this.home = home;
    }

    Process add(Process process) {
        processes.add(process);
        return process;
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
        for (Process process : processes) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        EmbeddedPostgres.deleteRecursively(home);
    }
}
