using ContractGen.Protocol;
using Xunit;

namespace ContractGen.EndToEnd.Tests;

/// <summary>IAsyncEnumerable results across processes: volume, flow control, cancellation, faults.</summary>
public sealed class StreamTests(SharedServiceFixture fixture) : IClassFixture<SharedServiceFixture>, IAsyncLifetime
{
    private ServiceConnection<IStreams> _connection = null!;

    private IStreams Proxy => _connection.Proxy;

    public async Task InitializeAsync() => _connection = await ServiceConnection.ConnectAsync<IStreams>(fixture.Service.Endpoint);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task A_hundred_thousand_items_arrive_in_order()
    {
        var expected = 0;
        await foreach (var item in Proxy.Count(100_000).WithCancellation(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token))
        {
            Assert.Equal(expected++, item);
        }

        Assert.Equal(100_000, expected);
    }

    [Fact]
    public async Task More_open_streams_than_the_connections_call_bound_all_keep_flowing()
    {
        // 80 streams on one connection, over the host's bound of 64 calls in flight per connection. Each needs credits
        // from the client to go on past its first window; a stream waiting for credits must not count toward the bound,
        // or the host would stop reading the very credit frames the streams wait for.
        var enumerators = Enumerable.Range(0, 80).Select(i => Proxy.Endless($"many-{i}-{Guid.NewGuid():N}").GetAsyncEnumerator()).ToList();
        try
        {
            for (var round = 0; round < 3 * ProtocolConstants.StreamWindow; round++)
            {
                foreach (var enumerator in enumerators)
                {
                    Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
                    Assert.Equal(round, enumerator.Current);
                }
            }
        }
        finally
        {
            foreach (var enumerator in enumerators)
            {
                await enumerator.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_slow_consumer_holds_the_producer_back()
    {
        var key = Guid.NewGuid().ToString("N");
        var consumed = 0;
        await foreach (var item in Proxy.Endless(key))
        {
            consumed++;
            await Task.Delay(20);
            if (consumed == 60)
            {
                break;
            }
        }

        // Credits bound what the producer may run ahead: one window plus the item waiting for a credit.
        var produced = await Proxy.Produced(key);
        Assert.InRange(produced, consumed, consumed + ProtocolConstants.StreamWindow + 2);
    }

    [Fact]
    public async Task Leaving_the_loop_early_cancels_the_producer()
    {
        var key = Guid.NewGuid().ToString("N");
        await foreach (var item in Proxy.Endless(key))
        {
            if (item == 10)
            {
                break;
            }
        }

        Assert.True(await Proxy.ProducerCancelled(key), "the service kept producing after the client left");
    }

    [Fact]
    public async Task Cancelling_the_token_stops_the_stream_on_both_sides()
    {
        var key = Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource();
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in Proxy.Endless(key, cts.Token))
            {
                if (++received == 5)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.True(await Proxy.ProducerCancelled(key));
    }

    [Fact]
    public async Task A_stream_past_its_deadline_ends_with_a_timeout_on_both_sides()
    {
        var key = Guid.NewGuid().ToString("N");
        await Assert.ThrowsAsync<CallTimeoutException>(async () =>
        {
            using (ServiceCallTimeout.Begin(TimeSpan.FromMilliseconds(300)))
            {
                await foreach (var item in Proxy.Endless(key))
                {
                    await Task.Delay(20);
                }
            }
        });

        Assert.True(await Proxy.ProducerCancelled(key));
        Assert.Equal(2, await Proxy.Count(2).CountAsync());
    }

    [Fact]
    public async Task A_fault_mid_stream_arrives_as_a_remote_fault_after_the_items_before_it()
    {
        var items = new List<OrderLine>();
        var fault = await Assert.ThrowsAsync<RemoteFaultException>(async () =>
        {
            await foreach (var line in Proxy.FailAfter(7))
            {
                items.Add(line);
            }
        });

        Assert.Equal(7, items.Count);
        Assert.Equal("ABC-006", items[^1].Sku);

        // A System daemon says only that it failed, and under which id its log holds why.
        Assert.Null(fault.RemoteExceptionType);
        Assert.Null(fault.RemoteMessage);
        Assert.DoesNotContain("after 7 items", fault.Message, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{16}$", fault.FaultId);
        await fixture.Service.WaitForOutputLineAsync(fault.FaultId!, "FailAfter");
        await fixture.Service.WaitForOutputLineAsync("the source broke after 7 items");

        // The connection carries on.
        Assert.Equal(3, await Proxy.Count(3).CountAsync());
    }
}
