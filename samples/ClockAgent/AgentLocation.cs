using ContractGen;
using ContractGen.Transports;

namespace Example.ClockAgent;

/// <summary>Where the agent listens and its clients connect: the same answer on both sides, with no configuration.</summary>
public static class AgentLocation
{
    /// <summary>
    /// <c>$XDG_RUNTIME_DIR/com.example.clock-agent.sock</c> in a login session. Where <c>$XDG_RUNTIME_DIR</c> is unset
    /// (as root in a container, under <c>su</c> or cron), <c>$TMPDIR/contractgen-$USER/</c> instead: the host creates
    /// that directory with mode 0700 and refuses to serve in it if another user owns it or may write to it, so nobody
    /// else can take the name first.
    /// </summary>
    public static UnixSocketEndpoint Endpoint
    {
        get
        {
            if (Environment.GetEnvironmentVariable(ServiceLocations.UserRuntimeDirectoryVariable) is { Length: > 0 } runtime && Path.IsPathFullyQualified(runtime))
            {
                return ServiceEndpoint.ForContract<IClockAgent>();
            }

            var directory = Path.Combine(Path.GetTempPath(), "contractgen-" + Environment.UserName);
            return new UnixSocketEndpoint(Path.Combine(directory, ClockAgentContract.Descriptor.Name + ".sock"))
            {
                DirectoryMode = ServiceLocations.UserDirectoryMode,
            };
        }
    }
}
