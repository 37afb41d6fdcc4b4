namespace ContractGen.Extensions.Hosting.Tests;

/// <summary>What each instance scope costs per call, in bytes allocated by the whole process (client and host).</summary>
[Collection(nameof(CallCostTests))]
public sealed class CallCostTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const int Calls = 20_000;

    [Fact]
    public async Task A_per_connection_service_allocates_per_call_what_a_singleton_does()
    {
        var singleton = await MeasureAsync(ServiceLifetimeScope.Singleton);
        var perConnection = await MeasureAsync(ServiceLifetimeScope.PerConnection);
        var perCall = await MeasureAsync(ServiceLifetimeScope.PerCall);
        log.WriteLine($"bytes allocated per call (client + host, {Calls} sequential calls): singleton {singleton:F0}, per connection {perConnection:F0}, per call {perCall:F0}");

        // The per-connection instance is bound at the handshake: its calls take the singleton's path.
        Assert.InRange(perConnection, 0, singleton + 64);

        // A per-call scope is real work per call: it shows, or the instance was not created per call.
        Assert.True(perCall > singleton + 64, $"per call {perCall:F0} B vs singleton {singleton:F0} B");
    }

    private static async Task<double> MeasureAsync(ServiceLifetimeScope scope)
    {
        await using var app = await TestApp.StartAsync(scope);
        await using var connection = await app.ConnectAsync();
        var proxy = connection.Proxy;
        for (var i = 0; i < 2_000; i++)
        {
            await proxy.WhoServesAsync();
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Calls; i++)
        {
            await proxy.WhoServesAsync();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Calls;
    }
}

/// <summary>Allocation counts are process-wide: nothing else may run meanwhile.</summary>
[CollectionDefinition(nameof(CallCostTests), DisableParallelization = true)]
public sealed class CallCostGroup;
