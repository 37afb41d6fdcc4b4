using MemoryPack;

namespace ContractGen.Extensions.Hosting.Tests;

/// <summary>A per-user service that tells which implementation instance served a call.</summary>
[ServiceContract(Name = "com.contractgen.tests.tracked", Context = ServiceContext.User)]
public partial interface ITracked
{
    /// <summary>The serving instance's number and the connection it serves.</summary>
    ValueTask<Served> WhoServesAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until the test opens the gate (or the call is cancelled), then returns <paramref name="value"/>.</summary>
    ValueTask<int> WaitForGateAsync(int value, CancellationToken cancellationToken = default);

    /// <summary>Counts up every few milliseconds until the host drains: an endless stream that ends gracefully.</summary>
    IAsyncEnumerable<int> FollowAsync(CancellationToken cancellationToken = default);
}

/// <param name="Instance">The number the tracker gave the implementation instance (1, 2, …).</param>
/// <param name="ConnectionId">The connection the call came on.</param>
/// <param name="DependencyInstance">The number of the scoped dependency injected into that instance.</param>
/// <param name="ActivatedForConnection">The connection <see cref="ServiceCallContext.Current"/> named when the instance was constructed.</param>
[MemoryPackable]
public sealed partial record Served(int Instance, long ConnectionId, int DependencyInstance, long ActivatedForConnection);
