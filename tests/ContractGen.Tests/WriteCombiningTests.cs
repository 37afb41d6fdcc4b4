using System.Buffers.Binary;
using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen.Tests;

/// <summary>How replies leave: pipelined requests answered on the read loop go out together, and none is lost or held.</summary>
public sealed class WriteCombiningTests
{
    private const int Pipelined = 32;

    [Fact]
    public async Task Pipelined_requests_answered_inline_leave_in_one_send()
    {
        var endpoint = new TrackingEndpoint(new InMemoryEndpoint());
        await using var host = await TestHost.StartAsync(o => o.InlineDispatch = true, endpoint);
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();
        var transport = Assert.Single(endpoint.Accepted);
        var sendsBefore = transport.Sends;

        // Every request in one write, so the service reads them as one batch.
        await raw.SendRawAsync(Requests(Pipelined));

        for (uint id = 1; id <= Pipelined; id++)
        {
            var reply = await raw.ReadFrameAsync().WithPatience() ?? throw new EndOfStreamException("The service closed the connection.");
            Assert.Equal(FrameKind.Reply, reply.Kind);
            Assert.Equal(id, reply.Header.CallId);
            Assert.Equal((int)id + 1000, RawClient.DecodeUnmanaged<int>(reply.Payload));
        }

        // Held while the read loop had requests in hand, then sent together before it waited for more.
        Assert.Equal(1, transport.Sends - sendsBefore);
    }

    [Fact]
    public async Task Pipelined_requests_dispatched_to_the_pool_are_all_answered()
    {
        await using var host = await TestHost.StartAsync();
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();

        await raw.SendRawAsync(Requests(Pipelined));

        // Workers answer in any order; each answer is there, and none waits for a later request to arrive.
        var answers = new Dictionary<uint, int>();
        for (var i = 0; i < Pipelined; i++)
        {
            var reply = await raw.ReadFrameAsync().WithPatience() ?? throw new EndOfStreamException("The service closed the connection.");
            Assert.Equal(FrameKind.Reply, reply.Kind);
            answers.Add(reply.Header.CallId, RawClient.DecodeUnmanaged<int>(reply.Payload));
        }

        Assert.Equal(Enumerable.Range(1, Pipelined).ToDictionary(i => (uint)i, i => i + 1000), answers);
    }

    /// <summary><paramref name="count"/> calls of <c>AddAsync(id, 1000)</c> with ids 1 to <paramref name="count"/>, back to back.</summary>
    private static byte[] Requests(int count)
    {
        var payload = new byte[8];
        var frames = new List<byte>();
        for (var id = 1; id <= count; id++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload, id);
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), 1000);
            frames.AddRange(RawClient.Frame(FrameKind.Request, (uint)id, RuntimeServiceContract.MethodIds.AddAsync, payload));
        }

        return [.. frames];
    }
}
