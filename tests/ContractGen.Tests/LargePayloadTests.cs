using System.Buffers.Binary;
using ContractGen.Protocol;

namespace ContractGen.Tests;

/// <summary>
/// A large payload that arrives whole is handed to its call with the receive buffer it arrived in (no copy); the
/// frames that arrived behind it in the same read must carry on intact in the next buffer.
/// </summary>
public sealed class LargePayloadTests
{
    [Theory]
    [InlineData(4 * 1024)]
    [InlineData(64 * 1024)]
    public async Task Frames_behind_a_large_payload_in_the_same_read_are_answered_intact(int size)
    {
        await using var host = await TestHost.StartAsync();
        var raw = await host.ConnectRawAsync();
        await raw.HandshakeAsync<IRuntimeService>();

        // SizeAsync(byte[size]) then AddAsync(2, 3) and AddAsync(4, 5), in one write so that they arrive in one read.
        var data = new byte[4 + size];
        BinaryPrimitives.WriteInt32LittleEndian(data, size);
        new Random(size).NextBytes(data.AsSpan(4));
        var add = new byte[8];
        var bytes = new List<byte>(RawClient.Frame(FrameKind.Request, 1, RuntimeServiceContract.MethodIds.SizeAsync, data));
        BinaryPrimitives.WriteInt32LittleEndian(add, 2);
        BinaryPrimitives.WriteInt32LittleEndian(add.AsSpan(4), 3);
        bytes.AddRange(RawClient.Frame(FrameKind.Request, 2, RuntimeServiceContract.MethodIds.AddAsync, add));
        BinaryPrimitives.WriteInt32LittleEndian(add, 4);
        BinaryPrimitives.WriteInt32LittleEndian(add.AsSpan(4), 5);
        bytes.AddRange(RawClient.Frame(FrameKind.Request, 3, RuntimeServiceContract.MethodIds.AddAsync, add));
        await raw.SendRawAsync(bytes.ToArray());

        var answers = new Dictionary<uint, int>();
        for (var i = 0; i < 3; i++)
        {
            var reply = await raw.ReadFrameAsync().WithPatience() ?? throw new EndOfStreamException("The service closed the connection.");
            Assert.Equal(FrameKind.Reply, reply.Kind);
            answers.Add(reply.Header.CallId, RawClient.DecodeUnmanaged<int>(reply.Payload));
        }

        Assert.Equal(new Dictionary<uint, int> { [1] = size, [2] = 5, [3] = 9 }, answers);
    }

    [Fact]
    public async Task A_large_result_arrives_whole_and_intact_through_the_client()
    {
        await using var host = await TestHost.StartAsync();
        var proxy = (await host.ConnectAsync()).Proxy;
        var text = new string('x', 60 * 1024) + "end";

        // Remember then recall: a 60 KiB string each way, followed at once by a small call on the same connection.
        await proxy.RememberAsync(text).WithPatience();
        var recalled = proxy.RecallAsync().AsTask();
        var sum = proxy.AddAsync(20, 22);

        Assert.Equal(text, await recalled.WithPatience());
        Assert.Equal(42, await sum.WithPatience());
    }
}
