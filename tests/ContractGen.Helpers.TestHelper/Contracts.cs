using MemoryPack;

namespace ContractGen.Helpers.TestHelper;

/// <summary>
/// The contract of the test helper: it reports what it can see of its own process and crashes on request. Root may call
/// it too, because the privilege test runs the application as root and the helper as another user.
/// </summary>
[ServiceContract(Name = "com.contractgen.tests.helper-probe", Context = ServiceContext.Application)]
[AllowCallers(Root = true, SameUser = true)]
public partial interface IHelperProbe
{
    /// <summary>What the helper process sees of itself.</summary>
    ValueTask<ProbeFacts> GetFactsAsync(CancellationToken cancellationToken = default);

    /// <summary>Answers with <paramref name="text"/>.</summary>
    ValueTask<string> EchoAsync(string text);

    /// <summary>Ends the helper process while the call is in flight; never returns.</summary>
    ValueTask<int> CrashAsync(CrashKind kind, int exitCode);

    /// <summary>Waits, then answers with the helper's pid; cancellable.</summary>
    ValueTask<int> SleepAsync(int milliseconds, CancellationToken cancellationToken);

    /// <summary>Remembers a note, one-way: the caller does not wait.</summary>
    [OneWay]
    ValueTask RememberAsync(string note);

    /// <summary>The notes remembered so far by this helper process.</summary>
    ValueTask<string[]> GetNotesAsync();

    /// <summary>Streams 1..<paramref name="count"/>.</summary>
    IAsyncEnumerable<int> CountAsync(int count, CancellationToken cancellationToken);
}

/// <summary>How <see cref="IHelperProbe.CrashAsync"/> ends the helper.</summary>
public enum CrashKind
{
    /// <summary><see cref="Environment.FailFast(string)"/>: <c>SIGABRT</c>.</summary>
    FailFast = 0,

    /// <summary><see cref="Environment.Exit(int)"/> with the given code.</summary>
    Exit = 1,
}

/// <summary>A contract the test helper serves in its "wrong-contract" mode, to test the handshake check.</summary>
[ServiceContract(Name = "com.contractgen.tests.other-probe", Context = ServiceContext.Application)]
public partial interface IOtherProbe
{
    /// <summary>Anything.</summary>
    ValueTask<int> NothingAsync();
}

/// <summary>What the helper sees of its own process, read from the kernel (<c>/proc/self</c>).</summary>
[MemoryPackable]
public sealed partial record ProbeFacts(
    int ProcessId,
    int ParentProcessId,
    uint UserId,
    uint GroupId,
    string WorkingDirectory,
    string[] EnvironmentNames,
    string? ProbeValue,
    long OpenFilesLimit,
    long CoreFileLimit,
    bool NoNewPrivileges,
    string SocketPath);
