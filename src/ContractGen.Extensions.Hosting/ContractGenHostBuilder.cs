using ContractGen.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ContractGen.Extensions.Hosting;

/// <summary>Adds contracts to the hosted ContractGen host (returned by <see cref="ContractGenServiceCollectionExtensions.AddContractGenHost"/>).</summary>
public sealed class ContractGenHostBuilder
{
    internal ContractGenHostBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Serves <typeparamref name="TContract"/> with <typeparamref name="TImplementation"/> resolved from dependency
    /// injection. <see cref="ServiceLifetimeScope.Singleton"/> resolves one instance from the root provider when the
    /// host starts; <see cref="ServiceLifetimeScope.PerConnection"/> and <see cref="ServiceLifetimeScope.PerCall"/>
    /// create a dependency-injection scope for each connection or call, resolve the implementation from it, and
    /// dispose the scope when the connection (after its last call) or the call ends.
    /// </summary>
    /// <remarks>
    /// <typeparamref name="TImplementation"/> is registered as a singleton or scoped service unless the application
    /// registered it already. It may take the application's <see cref="ServiceHost"/> in its constructor (for
    /// <see cref="ServiceHost.Draining"/>). The contract interface itself is not registered, so that the application can register
    /// a client proxy of it if it wants one.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scope"/> is not a defined value.</exception>
    public ContractGenHostBuilder AddService<TContract, TImplementation>(ServiceLifetimeScope scope = ServiceLifetimeScope.Singleton)
        where TContract : class
        where TImplementation : class, TContract
    {
        ContractGenServiceRegistration registration;
        switch (scope)
        {
            case ServiceLifetimeScope.Singleton:
                Services.TryAddSingleton<TImplementation>();
                registration = new(typeof(TContract), (host, provider) => host.AddService<TContract>(provider.GetRequiredService<TImplementation>()));
                break;

            case ServiceLifetimeScope.PerConnection or ServiceLifetimeScope.PerCall:
                Services.TryAddScoped<TImplementation>();
                registration = new(typeof(TContract), (host, provider) => host.AddService<TContract>(_ => Activate<TContract, TImplementation>(provider), scope));
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(scope), scope, "Use Singleton, PerConnection or PerCall.");
        }

        Services.AddSingleton(registration);
        return this;
    }

    /// <summary>Listens on <paramref name="endpoint"/> instead of the configured <c>SocketPath</c> or the contract's well-known location.</summary>
    public ContractGenHostBuilder ListenOn(ServiceEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Services.Configure<ContractGenHostOptions>(options => options.Endpoint = endpoint);
        return this;
    }

    private static ServiceInstance<TContract> Activate<TContract, TImplementation>(IServiceProvider provider)
        where TContract : class
        where TImplementation : class, TContract
    {
        var scope = provider.CreateAsyncScope();
        try
        {
            return new ServiceInstance<TContract>(scope.ServiceProvider.GetRequiredService<TImplementation>(), scope);
        }
        catch
        {
            // Whatever the scope resolved before failing is disposed with it; the host reports the failure.
            scope.Dispose();
            throw;
        }
    }
}

/// <summary>One contract to add to the host when it starts.</summary>
internal sealed record ContractGenServiceRegistration(Type Contract, Action<ServiceHost, IServiceProvider> Register);
