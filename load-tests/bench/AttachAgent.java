import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a native agent into a running JVM with options (jcmd's JVMTI.agent_load cannot pass options that
 * contain '='). bench.sh uses it for async-profiler: java AttachAgent.java PID LIBRARY OPTIONS
 */
public class AttachAgent {
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
