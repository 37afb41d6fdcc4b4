namespace ContractGen.Tests;

// System context, open to any local user: no caller rule is generated, so tests can give the in-memory endpoint any fake
// credentials. The bounds stated on the contracts are the defaults, chosen on purpose (CGEN3003).

/// <summary>The main test contract: one method per return shape and per behaviour under test.</summary>
[ServiceContract(Name = "tests.runtime", Context = ServiceContext.System,
    MaxStringLength = ServiceContractAttribute.DefaultMaxStringLength, MaxByteLength = ServiceContractAttribute.DefaultMaxByteLength)]
[AllowAnyLocalUser]
public partial interface IRuntimeService
{
    /// <summary>Task&lt;T&gt;.</summary>
    Task<int> AddAsync(int a, int b);

    /// <summary>Task: records that it ran.</summary>
    Task PingAsync();

    /// <summary>ValueTask: stores the text it receives.</summary>
    ValueTask RememberAsync(string text);

    /// <summary>ValueTask&lt;T&gt;: returns what <see cref="RememberAsync"/> stored last.</summary>
    ValueTask<string?> RecallAsync();

    /// <summary>A nullable string round trip.</summary>
    ValueTask<string?> EchoNullableAsync(string? value);

    /// <summary>A non-nullable string parameter (a null on the wire must be refused).</summary>
    ValueTask<int> LengthAsync(string text);

    /// <summary>Waits a little (so that calls overlap), then echoes <paramref name="value"/>.</summary>
    ValueTask<int> EchoAfterYieldAsync(int value);

    /// <summary>Waits until the service-side token fires.</summary>
    Task WaitForCancellationAsync(CancellationToken cancellationToken);

    /// <summary>Throws an <see cref="InvalidOperationException"/> with <paramref name="message"/>.</summary>
    ValueTask<int> FailAsync(string message);

    /// <summary>Waits on the test's gate, then returns <paramref name="value"/>.</summary>
    ValueTask<int> WaitForGateAsync(int value, CancellationToken cancellationToken);

    /// <summary>Returns the size of <paramref name="data"/>.</summary>
    ValueTask<int> SizeAsync(byte[] data);

    /// <summary>What the implementation saw in <see cref="ServiceCallContext.Current"/>.</summary>
    ValueTask<CallerView> WhoAmIAsync();
}

/// <summary>The caller as <see cref="ServiceCallContext.Current"/> described it to the implementation.</summary>
[MemoryPack.MemoryPackable]
public sealed partial record CallerView(bool HasContext, string Contract, int ProcessId, uint UserId, uint GroupId, string? UserName);

/// <summary>A contract that no test host serves next to <see cref="IRuntimeService"/>.</summary>
[ServiceContract(Name = "tests.other", Context = ServiceContext.System)]
[AllowAnyLocalUser]
public partial interface IOtherService
{
    ValueTask<int> OtherAsync(int value);
}

/// <summary>Version 1 of a contract: what an older service was built with.</summary>
[ServiceContract(Name = "tests.versioned", Context = ServiceContext.System)]
[AllowAnyLocalUser]
public partial interface IVersionedV1
{
    ValueTask<int> EchoAsync(int value);

    ValueTask<string> OnlyInV1Async();
}

/// <summary>Version 2 of the same contract (same wire name): one method shared, one removed, one added.</summary>
[ServiceContract(Name = "tests.versioned", Context = ServiceContext.System, MaxStringLength = ServiceContractAttribute.DefaultMaxStringLength)]
[AllowAnyLocalUser]
public partial interface IVersionedV2
{
    ValueTask<int> EchoAsync(int value);

    ValueTask<string> OnlyInV2Async(string text);
}

/// <summary>An interface that is not marked [ServiceContract]: nothing is generated for it.</summary>
public interface INotAContract
{
    Task DoAsync();
}

/// <summary>
/// A contract only some callers may use, for the checks made before an implementation is activated: uid 4242 (a
/// fake identity no test runs as) may call <see cref="GuardedAsync"/>, only root may call <see cref="RootOnlyAsync"/>.
/// </summary>
[ServiceContract(Name = "tests.guarded", Context = ServiceContext.System)]
public partial interface IGuardedService
{
    /// <summary>Returns <paramref name="value"/>.</summary>
    [AllowCallers(UserIds = new[] { 4242u })]
    ValueTask<int> GuardedAsync(int value, CancellationToken cancellationToken);

    /// <summary>Returns <paramref name="value"/>.</summary>
    [RequireRoot]
    ValueTask<int> RootOnlyAsync(int value, CancellationToken cancellationToken);
}
