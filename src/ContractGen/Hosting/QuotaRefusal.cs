using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen;

/// <summary>A connection refused at accept for a user quota: says why, waits for the client's first frame, closes.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Owns itself: the channel and timer are disposed when the channel closes, which the timer guarantees.")]
internal sealed class QuotaRefusal : IFrameHandler
{
    private readonly FrameChannel _channel;
    private readonly Action _done;
    private Timer? _linger;

    public QuotaRefusal(ITransport transport, Action done)
    {
        // Nothing but a handshake is expected, and nothing of it is decoded.
        _channel = new FrameChannel(transport, this, ProtocolConstants.MaxHandshakeSize);
        _done = done;
    }

    public void Start(Quota quota, string detail, TimeSpan linger)
    {
        _linger = new Timer(static state => ((QuotaRefusal)state!).Close(), this, linger, Timeout.InfiniteTimeSpan);

        // The GoAway is queued before the read loop starts: the client's Hello, read at once, closes the channel, and a
        // close flushes what is queued but takes nothing queued after it (the client then saw only the end of stream).
        _ = SendAsync(quota, detail);
        _channel.Start();
    }

    private async Task SendAsync(Quota quota, string detail)
    {
        try
        {
            await _channel.SendAsync<GoAwayMessage, GoAwayMessage>(FrameKind.GoAway, (uint)quota, (uint)GoAwayReason.QuotaExceeded, new GoAwayMessage(detail)).ConfigureAwait(false);
        }
        catch (ContractGenException)
        {
            // The client is already gone.
        }
    }

    private void Close() => _ = _channel.CloseAsync(ConnectionCloseReason.QuotaExceeded, "refused for a user quota");

    void IFrameHandler.OnFrame(in FrameHeader header, PayloadBuffer payload)
    {
        payload.Return();
        Close();
    }

    void IFrameHandler.OnBatchHandled()
    {
    }

    void IFrameHandler.OnClosed(ConnectionCloseReason reason, string detail, Exception? exception)
    {
        _linger?.Dispose();
        _done();
        _ = _channel.DisposeAsync().AsTask();
    }
}
