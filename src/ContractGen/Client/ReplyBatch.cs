using ContractGen.Protocol;

namespace ContractGen;

/// <summary>
/// The replies one batch of the client's read loop matched to their calls, delivered together once the batch is
/// handled: one thread-pool work item runs the awaiting code of every call in turn, instead of one work item each.
/// </summary>
/// <remarks>
/// Awaiting code never runs on the read loop, which serves every call of the connection. Code that blocks in one
/// continuation must not hold up the others either (it may even wait for another reply of the same batch), so while
/// replies remain, one more runner is kept queued: whichever runner is free takes the next reply, and a blocked
/// runner only holds its own call. Without blocking, a batch costs a few work items rather than one per reply. A
/// single reply is delivered the usual way, its continuation queued on its own.
/// </remarks>
internal sealed class ReplyBatch(ServiceConnection owner) : IThreadPoolWorkItem
{
    private (PendingCall Call, PayloadBuffer Payload)[] _items = new (PendingCall, PayloadBuffer)[16];
    private int _count;
    private int _next;
    private int _runners;
    private int _spareQueued;

    /// <summary>Adds a claimed call and its reply (read loop only).</summary>
    public void Add(PendingCall call, PayloadBuffer payload)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _count * 2);
        }

        _items[_count++] = (call, payload);
    }

    /// <summary>Delivers the replies (read loop only); the batch belongs to its runners until they return it.</summary>
    public void Deliver()
    {
        if (_count == 1)
        {
            var (call, payload) = _items[0];
            Clear();
            owner.ReturnBatch(this);
            call.CompleteClaimed(payload, inline: false);
            return;
        }

        _runners = 1;
        _spareQueued = 1;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    void IThreadPoolWorkItem.Execute()
    {
        // This runner was the queued spare; it is running now.
        Volatile.Write(ref _spareQueued, 0);
        int index;
        while ((index = Interlocked.Increment(ref _next) - 1) < _count)
        {
            // The awaiting code of this reply may block: keep a runner queued for the replies after it.
            if (index + 1 < _count && Interlocked.CompareExchange(ref _spareQueued, 1, 0) == 0)
            {
                Interlocked.Increment(ref _runners);
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }

            var (call, payload) = _items[index];
            _items[index] = default;
            call.CompleteClaimed(payload, inline: true);
        }

        if (Interlocked.Decrement(ref _runners) == 0)
        {
            Clear();
            owner.ReturnBatch(this);
        }
    }

    private void Clear()
    {
        Array.Clear(_items, 0, _count);
        _count = 0;
        _next = 0;
    }
}
