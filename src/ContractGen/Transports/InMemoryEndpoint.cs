using System.Buffers;
using System.Threading.Channels;

namespace ContractGen.Transports;

/// <summary>
/// An endpoint inside one process, for fast tests of generated code without sockets. Each connection is a pair of
/// in-memory byte streams; the credentials the server sees can be set per endpoint.
/// </summary>
public sealed class InMemoryEndpoint : ServiceEndpoint
{
    private readonly Channel<InMemoryTransport> _pending = Channel.CreateUnbounded<InMemoryTransport>();
    private int _listening;

    /// <summary>The credentials the service sees for every client of this endpoint (for tests of caller identity).</summary>
    public PeerCredentials? ClientCredentials { get; init; }

    /// <inheritdoc/>
    public override ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _listening, 1) != 0)
        {
            throw new InvalidOperationException("Another host is already listening on this in-memory endpoint.");
        }

        return ValueTask.FromResult<ITransportListener>(new Listener(this));
    }

    /// <inheritdoc/>
    public override ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _listening) == 0)
        {
            throw new IOException("Nothing is listening on this in-memory endpoint.");
        }

        var clientToServer = new ByteStream();
        var serverToClient = new ByteStream();
        var server = new InMemoryTransport(clientToServer, serverToClient, ClientCredentials);
        var client = new InMemoryTransport(serverToClient, clientToServer, null);
        if (!_pending.Writer.TryWrite(server))
        {
            throw new IOException("The in-memory endpoint is closed.");
        }

        return ValueTask.FromResult<ITransport>(client);
    }

    private sealed class Listener(InMemoryEndpoint endpoint) : ITransportListener
    {
        public async ValueTask<ITransport> AcceptAsync(CancellationToken cancellationToken)
            => await endpoint._pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);

        public ValueTask DisposeAsync()
        {
            endpoint._pending.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>One direction of a connection: chunks of pooled bytes in order.</summary>
    private sealed class ByteStream
    {
        private readonly Channel<(byte[] Buffer, int Length)> _chunks = Channel.CreateUnbounded<(byte[], int)>(
            new UnboundedChannelOptions { SingleReader = true });

        private (byte[] Buffer, int Offset, int Length) _current;

        public void Write(ReadOnlySpan<byte> data)
        {
            var copy = ArrayPool<byte>.Shared.Rent(data.Length);
            data.CopyTo(copy);
            if (!_chunks.Writer.TryWrite((copy, data.Length)))
            {
                ArrayPool<byte>.Shared.Return(copy);
                throw new IOException("The in-memory connection is closed.");
            }
        }

        public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
        {
            if (_current.Length == 0)
            {
                if (!await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)
                    || !_chunks.Reader.TryRead(out var chunk))
                {
                    return 0;
                }

                _current = (chunk.Buffer, 0, chunk.Length);
            }

            var count = Math.Min(destination.Length, _current.Length);
            _current.Buffer.AsSpan(_current.Offset, count).CopyTo(destination.Span);
            _current = (_current.Buffer, _current.Offset + count, _current.Length - count);
            if (_current.Length == 0)
            {
                ArrayPool<byte>.Shared.Return(_current.Buffer);
                _current = default;
            }

            return count;
        }

        public void Complete() => _chunks.Writer.TryComplete();
    }

    private sealed class InMemoryTransport(ByteStream incoming, ByteStream outgoing, PeerCredentials? peer) : ITransport
    {
        public PeerCredentials? PeerCredentials => peer;

        public bool IsInProcess => true;

        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
            => incoming.ReadAsync(buffer, cancellationToken);

        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // An empty chunk would read as 0 bytes, which the reader takes for the end of the stream; a socket sends nothing.
            if (!data.IsEmpty)
            {
                outgoing.Write(data.Span);
            }

            return ValueTask.CompletedTask;
        }

        public void Abort()
        {
            outgoing.Complete();
            incoming.Complete();
        }

        public ValueTask DisposeAsync()
        {
            Abort();
            return ValueTask.CompletedTask;
        }
    }
}
