using System.Threading.Channels;
using ContractGen.Protocol;

namespace ContractGen;

/// <summary>
/// A streaming call on the client: items arrive from the read loop into a queue the enumerator drains. The service
/// sends only as many items as the client has granted credits for, so the queue never holds more than
/// <see cref="ProtocolConstants.StreamWindow"/> items.
/// </summary>
internal sealed class StreamCall
{
    private readonly Channel<PayloadBuffer> _items = Channel.CreateUnbounded<PayloadBuffer>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    private int _credits = ProtocolConstants.StreamWindow;

    public StreamCall(uint id, MethodDescriptor method)
    {
        Id = id;
        Method = method;
    }

    public uint Id { get; }

    public MethodDescriptor Method { get; }

    public ChannelReader<PayloadBuffer> Items => _items.Reader;

    /// <summary>
    /// Queues an item, or drops it when the stream already ended on this side (timed out, failed). False only when
    /// the service sent more than it had credits for: a protocol violation.
    /// </summary>
    public bool TryAdd(PayloadBuffer item)
    {
        if (Interlocked.Decrement(ref _credits) < 0)
        {
            item.Return();
            return false;
        }

        if (!_items.Writer.TryWrite(item))
        {
            item.Return();
        }

        return true;
    }

    public void Grant(int count) => Interlocked.Add(ref _credits, count);

    /// <summary>The stream's deadline, for the timeout error.</summary>
    public TimeSpan Timeout { get; set; }

    /// <summary>Ends the stream with <see cref="CallTimeoutException"/> (the service's token fires at the same deadline).</summary>
    public void TimeOut() => Complete(new CallTimeoutException(Method.Name, Timeout));

    public void Complete(Exception? error = null) => _items.Writer.TryComplete(error);

    /// <summary>Gives back the buffers of items nobody will read.</summary>
    public void Drain()
    {
        _items.Writer.TryComplete();
        while (_items.Reader.TryRead(out var item))
        {
            item.Return();
        }
    }
}
