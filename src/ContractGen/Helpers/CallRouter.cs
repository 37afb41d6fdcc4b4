using ContractGen.Protocol;
using ContractGen.Transports;

namespace ContractGen;

/// <summary>
/// Where a routed <see cref="ServiceConnection"/> sends the calls of its generated proxy instead of its own channel.
/// Lets one proxy object outlive the connections behind it (a private helper that is relaunched after a crash).
/// </summary>
internal abstract class CallRouter
{
    public abstract ValueTask<TResult> InvokeAsync<TArguments, TResult, TResultCodec>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
        where TArguments : IPayloadCodec<TArguments>
        where TResultCodec : IPayloadCodec<TResult>;

    public abstract ValueTask InvokeAsync<TArguments>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
        where TArguments : IPayloadCodec<TArguments>;

    public abstract ValueTask SendOneWayAsync<TArguments>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
        where TArguments : IPayloadCodec<TArguments>;

    public abstract IAsyncEnumerable<TItem> InvokeStreamAsync<TArguments, TItem, TItemCodec>(uint methodId, TArguments arguments, CancellationToken cancellationToken)
        where TArguments : IPayloadCodec<TArguments>
        where TItemCodec : IPayloadCodec<TItem>;
}

/// <summary>A connection without a channel of its own: the proxy over it calls through a <see cref="CallRouter"/>.</summary>
internal sealed class RoutedServiceConnection(ContractDescriptor contract, CallRouter router) : ServiceConnection(contract, router);

/// <summary>An endpoint whose one "connect" hands out a transport that is already connected (and verified).</summary>
internal sealed class PreconnectedEndpoint(ITransport transport, string description) : ServiceEndpoint
{
    private ITransport? _transport = transport;

    public override ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken)
        => throw new NotSupportedException("A preconnected endpoint cannot listen.");

    public override ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken)
        => ValueTask.FromResult(Interlocked.Exchange(ref _transport, null)
            ?? throw new InvalidOperationException("The preconnected transport was already used."));

    public override string ToString() => description;
}
