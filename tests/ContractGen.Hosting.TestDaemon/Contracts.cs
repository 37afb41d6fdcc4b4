using MemoryPack;

namespace ContractGen.Hosting.TestDaemon;

/// <summary>A per-user agent that reports how it was started; the hosting tests' daemon.</summary>
[ServiceContract(Name = ProbeNames.Agent, Context = ServiceContext.User)]
public partial interface IProbe
{
    /// <summary>What the daemon saw of socket activation.</summary>
    ValueTask<ActivationReport> GetReportAsync();

    ValueTask<int> AddAsync(int a, int b);

    /// <summary>What a program the daemon starts inherits: the activation variables and the daemon's listening socket.</summary>
    ValueTask<ChildView> StartChildAsync();
}

/// <summary>A system daemon's contract, for the /run/&lt;name&gt;/ location.</summary>
[ServiceContract(Name = ProbeNames.System, Context = ServiceContext.System)]
[AllowAnyLocalUser]
public partial interface ISystemProbe
{
    ValueTask<int> GetProcessIdAsync();
}

public static class ProbeNames
{
    public const string Agent = "com.contractgen.tests.probe";
    public const string System = "com.contractgen.tests.sysprobe";
}

/// <param name="ProcessId">The daemon's pid.</param>
/// <param name="ListenPid">LISTEN_PID when the daemon started.</param>
/// <param name="ListenFds">LISTEN_FDS when the daemon started.</param>
/// <param name="ListenFdNames">LISTEN_FDNAMES when the daemon started.</param>
/// <param name="VariablesLeft">The activation variables still set once the host listens (none expected).</param>
/// <param name="SocketCloseOnExec">Whether descriptor 3 is close-on-exec once the host listens; null when it is not open.</param>
/// <param name="SocketActivated">What SystemdActivation said.</param>
[MemoryPackable]
public sealed partial record ActivationReport(
    int ProcessId,
    string? ListenPid,
    string? ListenFds,
    string? ListenFdNames,
    string[] VariablesLeft,
    bool? SocketCloseOnExec,
    bool SocketActivated);

/// <param name="ListenFds">LISTEN_FDS as the child saw it ("unset" when it was not set).</param>
/// <param name="InheritedListeningSocket">Whether the child had the daemon's listening socket open.</param>
[MemoryPackable]
public sealed partial record ChildView(string ListenFds, bool InheritedListeningSocket);

/// <summary>The contract of the shutdown-under-load test (<c>--load</c>): a call that stays in flight for a while.</summary>
[ServiceContract(Name = "com.contractgen.tests.load", Context = ServiceContext.User)]
public partial interface ILoad
{
    /// <summary>Waits <paramref name="milliseconds"/>, then returns twice <paramref name="value"/>.</summary>
    ValueTask<long> WorkAsync(long value, int milliseconds, CancellationToken cancellationToken = default);
}
