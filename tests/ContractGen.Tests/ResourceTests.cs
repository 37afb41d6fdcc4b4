using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen.Tests;

/// <summary>The host releases every connection it accepted, and transports keep their contract at the edges.</summary>
public sealed class ResourceTests
{
    [Fact]
    public async Task A_connection_the_client_closes_while_the_host_runs_is_released()
    {
        var endpoint = new TrackingEndpoint(new InMemoryEndpoint());
        await using var host = await TestHost.StartAsync(endpoint: endpoint);
        var connection = await ServiceConnection.ConnectAsync<IRuntimeService>(endpoint).WithPatience();
        Assert.Equal(2, await connection.Proxy.AddAsync(1, 1).WithPatience());

        await connection.DisposeAsync();

        await Assert.Single(endpoint.Accepted).Disposed.WithPatience();
    }

    [Fact]
    public async Task Every_connection_is_released_by_StopAsync_even_one_that_closed_during_the_grace_period()
    {
        var endpoint = new TrackingEndpoint(new InMemoryEndpoint());
        await using var host = await TestHost.StartAsync(o => o.ShutdownTimeout = TimeSpan.FromMinutes(1), endpoint);
        var busy = (await host.ConnectAsync()).Proxy;
        var leaving = await ServiceConnection.ConnectAsync<IRuntimeService>(endpoint).WithPatience();
        Assert.Equal(2, await leaving.Proxy.AddAsync(1, 1).WithPatience());

        var inFlight = busy.WaitForGateAsync(1, CancellationToken.None).AsTask();
        await host.Service.GateEntered.WaitAsync(Patience.Timeout);
        var stopping = host.Host.StopAsync();

        // While the host waits for the busy call, the other client hears of the shutdown and leaves.
        await Patience.RefusedCallAsync(leaving.Proxy);
        await leaving.DisposeAsync();
        await Patience.UntilAsync(() => host.Host.ConnectionCount == 1, "the host saw the client leave");

        host.Service.Gate.SetResult();
        Assert.Equal(1, await inFlight.WithPatience());
        await stopping.WithPatience();

        Assert.Equal(2, endpoint.Accepted.Count);
        foreach (var transport in endpoint.Accepted)
        {
            await transport.Disposed.WithPatience();
        }
    }

    [Fact]
    public async Task An_empty_send_on_an_in_memory_transport_is_not_the_end_of_the_stream()
    {
        // A stream socket ignores a zero-byte send; the in-memory transport must too, or the peer sees end of stream.
        await using var host = await TestHost.StartAsync();
        var raw = await host.ConnectRawAsync();

        await raw.Transport.SendAsync(ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        var ack = await raw.HandshakeAsync<IRuntimeService>().WithPatience();

        Assert.Equal(RuntimeServiceContract.Name, ack.ContractName);
    }

    [Fact]
    public async Task A_frame_split_into_single_bytes_is_reassembled()
    {
        using var directory = new TempDirectory();
        await using var host = await TestHost.StartAsync(endpoint: directory.Socket());
        var raw = await host.ConnectRawAsync();
        var hello = RawClient.Frame(FrameKind.Hello, 0, 0, RawClient.HelloPayload(
            RuntimeServiceContract.Name, RuntimeServiceContract.Fingerprint, [.. RuntimeServiceContract.Descriptor.Methods.Select(m => m.Id)]));

        for (var i = 0; i < hello.Length; i++)
        {
            await raw.SendRawAsync(hello.AsMemory(i, 1));
        }

        var ack = await raw.ReadFrameAsync().WithPatience();
        Assert.NotNull(ack);
        Assert.Equal(FrameKind.HelloAck, ack.Kind);
        Assert.Equal(0, RawClient.DecodeHelloAck(ack.Payload).Status);
    }

    [Fact]
    public async Task Several_frames_in_one_write_are_all_served()
    {
        await using var host = await TestHost.StartAsync();
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();

        var batch = Enumerable.Range(1, 20)
            .SelectMany(i => RawClient.Frame(FrameKind.Request, (uint)i, RuntimeServiceContract.MethodIds.AddAsync,
                RawClient.Payload((ref MemoryPack.MemoryPackWriter<System.Buffers.ArrayBufferWriter<byte>> w) =>
                {
                    w.WriteUnmanaged(i);
                    w.WriteUnmanaged(1000);
                })))
            .ToArray();
        await raw.SendRawAsync(batch);

        var replies = new Dictionary<uint, int>();
        while (replies.Count < 20)
        {
            var frame = await raw.ReadFrameAsync().WithPatience();
            Assert.NotNull(frame);
            Assert.Equal(FrameKind.Reply, frame.Kind);
            replies.Add(frame.Header.CallId, RawClient.DecodeUnmanaged<int>(frame.Payload));
        }

        Assert.All(replies, r => Assert.Equal((int)r.Key + 1000, r.Value));
    }
}
