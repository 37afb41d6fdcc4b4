using System.Runtime.CompilerServices;

namespace ContractGen;

/// <summary>How long one implementation instance serves: the whole host, one client connection, or one call.</summary>
public enum ServiceLifetimeScope
{
    /// <summary>One instance serves every call of every connection (<see cref="ServiceHost.AddService{TContract}(TContract)"/>).</summary>
    Singleton = 0,

    /// <summary>
    /// An instance is created when a client's handshake is accepted and serves every call of that connection; it is
    /// released once the connection has closed and its last call has finished.
    /// </summary>
    PerConnection = 1,

    /// <summary>An instance is created for each call and released when the call has completed (its reply sent).</summary>
    PerCall = 2,
}

/// <summary>
/// Creates the implementation that serves one connection or one call (see <see cref="ServiceLifetimeScope"/>).
/// Called by the host with <see cref="ServiceCallContext.Current"/> set to <paramref name="context"/>, so constructors
/// can read it too; an exception fails that connection's handshake or that call, never the host.
/// </summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
/// <param name="context">Who is calling and on which connection (the same for every call of a connection).</param>
public delegate ServiceInstance<TContract> ServiceActivator<TContract>(ServiceCallContext context)
    where TContract : class;

/// <summary>An implementation created by a <see cref="ServiceActivator{TContract}"/>, and what releases it.</summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
public readonly struct ServiceInstance<TContract> : IAsyncDisposable
    where TContract : class
{
    /// <summary>Wraps an implementation and its owner.</summary>
    /// <param name="implementation">The object that serves the calls.</param>
    /// <param name="owner">
    /// What to dispose when the instance is no longer needed, for example the dependency-injection scope the
    /// implementation was resolved from. When <see langword="null"/>, the host disposes the implementation itself if it
    /// is <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>.
    /// </param>
    public ServiceInstance(TContract implementation, IAsyncDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(implementation);
        Implementation = implementation;
        Owner = owner;
    }

    /// <summary>The object that serves the calls.</summary>
    public TContract Implementation { get; }

    /// <summary>What is disposed to release <see cref="Implementation"/>, or <see langword="null"/> when it is disposed itself.</summary>
    public IAsyncDisposable? Owner { get; }

    /// <summary>Releases the instance: disposes <see cref="Owner"/>, or else the implementation when it is disposable.</summary>
    public ValueTask DisposeAsync()
    {
        switch (Owner ?? (object?)Implementation)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                return ValueTask.CompletedTask;
            default:
                return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// Serves a contract with a new instance for every call: checks the caller, activates, dispatches through the generated
/// dispatcher, releases.
/// </summary>
internal sealed class PerCallDispatcher<TContract>(ContractDescriptor<TContract> descriptor, ServiceActivator<TContract> activator) : ServiceDispatcher
    where TContract : class
{
    public override ContractDescriptor Contract => descriptor;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask DispatchAsync(ServerCall serverCall)
    {
        // Before activating: nothing of the implementation (not even its constructor) may run for a refused caller.
        // The generated dispatcher checks again; that check is cheap and is the one a singleton relies on.
        serverCall.Authorize(serverCall.Method.Policy);
        var instance = ServiceActivation.Activate(activator, serverCall.CallContext);
        try
        {
            // The generated dispatcher is one small object over the instance; a per-call scope costs more than it anyway.
            await descriptor.CreateDispatcher(instance.Implementation).DispatchAsync(serverCall).ConfigureAwait(false);
        }
        finally
        {
            await instance.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Serves a contract with one instance per connection: each connection gets the generated dispatcher over its own
/// instance at the handshake, so its calls cost exactly what a singleton's do. A caller who may call no method of the
/// contract gets no instance, only a dispatcher that refuses each call.
/// </summary>
internal sealed class PerConnectionDispatcher<TContract>(ContractDescriptor<TContract> descriptor, ServiceActivator<TContract> activator) : ServiceDispatcher
    where TContract : class
{
    public override ContractDescriptor Contract => descriptor;

    internal override ServiceDispatcher BindConnection(ServiceCallContext context, uint serviceUserId, out IAsyncDisposable? release)
    {
        // The caller's identity is fixed for the connection, so it is checked once here against every method.
        if (!ServiceActivation.MayCallAny(descriptor, context, serviceUserId))
        {
            release = null;
            return new RefusingDispatcher(descriptor);
        }

        var instance = ServiceActivation.Activate(activator, context);
        release = instance;
        return descriptor.CreateDispatcher(instance.Implementation);
    }

    public override ValueTask DispatchAsync(ServerCall serverCall)
        => throw new InvalidOperationException("A per-connection service is dispatched through the dispatcher bound to each connection.");
}

/// <summary>
/// Serves a per-connection contract to a caller who may call none of its methods: each call fails the method's own
/// check, with the same <see cref="AccessDeniedException"/> the generated dispatcher gives, and no instance exists.
/// </summary>
internal sealed class RefusingDispatcher(ContractDescriptor descriptor) : ServiceDispatcher
{
    public override ContractDescriptor Contract => descriptor;

    public override ValueTask DispatchAsync(ServerCall serverCall)
    {
        serverCall.Authorize(serverCall.Method.Policy);

        // Unreachable while the caller's identity and the policies stay what they were at the handshake.
        throw new InvalidOperationException(
            $"The call to '{serverCall.Method.Name}' was allowed on a connection whose caller was refused every method of '{descriptor.Name}' at the handshake; reconnect to be served.");
    }
}

/// <summary>Runs activators the same way for both scopes.</summary>
internal static class ServiceActivation
{
    /// <summary>Whether the connection's caller meets the policy of at least one method of <paramref name="contract"/>.</summary>
    public static bool MayCallAny(ContractDescriptor contract, ServiceCallContext context, uint serviceUserId)
    {
        foreach (var method in contract.Methods)
        {
            if (method.Policy.FindUnmetRule(context.Caller, serviceUserId) is null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Calls <paramref name="activator"/> with <see cref="ServiceCallContext.Current"/> set to <paramref name="context"/>.</summary>
    public static ServiceInstance<TContract> Activate<TContract>(ServiceActivator<TContract> activator, ServiceCallContext context)
        where TContract : class
    {
        // A per-connection instance is created on the connection's read loop, outside any call's context.
        var previous = ServiceCallContext.Current;
        ServiceCallContext.Current = context;
        try
        {
            return activator(context);
        }
        finally
        {
            ServiceCallContext.Current = previous;
        }
    }
}
