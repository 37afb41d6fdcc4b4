using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen.Tests;

/// <summary>
/// Replies that arrive together are delivered together, off the read loop, and code awaiting one of them can neither
/// stall the connection nor the other replies of its batch.
/// </summary>
public sealed class ReplyBatchTests
{
    [Fact]
    public async Task Replies_read_in_one_batch_all_reach_their_callers()
    {
        await using var host = await TestHost.StartAsync(o => o.InlineDispatch = true);
        var endpoint = new GroupingEndpoint(host.Endpoint, framesPerReceive: 8);
        await using var connection = await ServiceConnection.ConnectAsync<IRuntimeService>(endpoint).WithPatience();

        var calls = Enumerable.Range(0, 8).Select(i => connection.Proxy.AddAsync(i, 100)).ToArray();

        Assert.Equal(Enumerable.Range(100, 8).Select(i => i + 0), await Task.WhenAll(calls).WithPatience());
        Assert.True(endpoint.Transport!.GroupedReceives >= 1, "the replies did not arrive in one receive, so this test checked nothing");
    }

    [Fact]
    public async Task Code_that_waits_for_another_reply_of_the_same_batch_does_not_deadlock()
    {
        await using var host = await TestHost.StartAsync(o => o.InlineDispatch = true);
        var endpoint = new GroupingEndpoint(host.Endpoint, framesPerReceive: 2);
        await using var connection = await ServiceConnection.ConnectAsync<IRuntimeService>(endpoint).WithPatience();

        var first = connection.Proxy.AddAsync(1, 2);
        var second = connection.Proxy.AddAsync(3, 4);

        // Runs synchronously where the first reply is delivered, and blocks that thread until the second completes:
        // the blocking wait CGEN4001 warns about is what this test exercises.
#pragma warning disable CGEN4001
        var both = first.ContinueWith(
            done => done.Result + second.GetAwaiter().GetResult(),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
#pragma warning restore CGEN4001

        Assert.Equal(10, await both.WithPatience());
        Assert.True(endpoint.Transport!.GroupedReceives >= 1, "the replies did not arrive in one receive, so this test checked nothing");
    }

    /// <summary>
    /// A client endpoint whose transport hands the read loop <c>framesPerReceive</c> frames in each receive after the
    /// handshake answer (as a socket does under load), so that a test knows which replies form one batch.
    /// </summary>
    private sealed class GroupingEndpoint(ServiceEndpoint inner, int framesPerReceive) : ServiceEndpoint
    {
        public GroupingTransport? Transport { get; private set; }

        public override ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken) => inner.ListenAsync(cancellationToken);

        public override async ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken)
            => Transport = new GroupingTransport(await inner.ConnectAsync(cancellationToken), framesPerReceive);
    }

    private sealed class GroupingTransport(ITransport inner, int framesPerReceive) : ITransport
    {
        private readonly byte[] _held = new byte[64 * 1024];
        private int _heldCount;
        private bool _handshakeDone;

        public int GroupedReceives { get; private set; }

        public PeerCredentials? PeerCredentials => inner.PeerCredentials;

        public bool IsInProcess => inner.IsInProcess;

        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            // The handshake answer comes alone; every later receive waits for a group of frames.
            var wanted = _handshakeDone ? framesPerReceive : 1;
            _handshakeDone = true;
            while (CompleteFrames() < wanted)
            {
                var n = await inner.ReceiveAsync(_held.AsMemory(_heldCount), cancellationToken);
                if (n == 0)
                {
                    break;
                }

                _heldCount += n;
            }

            if (wanted > 1 && CompleteFrames() >= wanted)
            {
                GroupedReceives++;
            }

            var count = Math.Min(buffer.Length, _heldCount);
            _held.AsSpan(0, count).CopyTo(buffer.Span);
            _held.AsSpan(count, _heldCount - count).CopyTo(_held);
            _heldCount -= count;
            return count;
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => inner.SendAsync(data, cancellationToken);

        public void Abort() => inner.Abort();

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private int CompleteFrames()
        {
            var frames = 0;
            var rest = _held.AsSpan(0, _heldCount);
            while (rest.Length >= FrameHeader.Size && rest.Length >= FrameHeader.Size + (int)FrameHeader.Read(rest).PayloadLength)
            {
                rest = rest[(FrameHeader.Size + (int)FrameHeader.Read(rest).PayloadLength)..];
                frames++;
            }

            return frames;
        }
    }
}
