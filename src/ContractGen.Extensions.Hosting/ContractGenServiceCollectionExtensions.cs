using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ContractGen.Extensions.Hosting;

/// <summary>Registers a ContractGen host that runs for the life of a Microsoft.Extensions.Hosting application.</summary>
public static class ContractGenServiceCollectionExtensions
{
    /// <summary>
    /// Adds a hosted ContractGen <see cref="ServiceHost"/>: it starts with the application, logs through the
    /// application's <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/>, and when the application stops it
    /// refuses new calls and lets calls in flight finish (within <see cref="ServiceHostOptions.ShutdownTimeout"/> and
    /// the application's <c>HostOptions.ShutdownTimeout</c>, whichever ends first). Add contracts with
    /// <see cref="ContractGenHostBuilder.AddService{TContract, TImplementation}(ServiceLifetimeScope)"/>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">
    /// Sets host options in code. It runs after <see cref="ServiceHostOptions"/> and <see cref="ContractGenHostOptions"/>
    /// are bound from the configuration section <paramref name="sectionName"/> (when the application registers an
    /// <see cref="IConfiguration"/>, as <c>Host.CreateApplicationBuilder</c> does), so code has the last word.
    /// </param>
    /// <param name="sectionName">The configuration section; <c>ContractGen</c> by default.</param>
    /// <example>
    /// <code>
    /// var builder = Host.CreateApplicationBuilder(args);
    /// builder.Services.AddContractGenHost(options => options.ShutdownTimeout = TimeSpan.FromSeconds(10))
    ///     .AddService&lt;IClock, ClockService&gt;(ServiceLifetimeScope.PerCall);
    /// await builder.Build().RunAsync();
    /// </code>
    /// </example>
    public static ContractGenHostBuilder AddContractGenHost(
        this IServiceCollection services,
        Action<ServiceHostOptions>? configure = null,
        string sectionName = ContractGenHostOptions.DefaultSectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(sectionName);

        // Calling this twice adds to the same host instead of starting a second one on the same socket.
        if (!services.Any(d => d.ServiceType == typeof(ContractGenHostedService)))
        {
            services.AddOptions();
            services.AddSingleton<IConfigureOptions<ServiceHostOptions>>(provider => new BindSection<ServiceHostOptions>(provider, sectionName));
            services.AddSingleton<IConfigureOptions<ContractGenHostOptions>>(provider => new BindSection<ContractGenHostOptions>(provider, sectionName));
            services.AddSingleton<ContractGenHostedService>();
            services.AddHostedService(provider => provider.GetRequiredService<ContractGenHostedService>());

            // For implementations that need the running host (its Draining token, its connection count).
            services.AddSingleton(provider => provider.GetRequiredService<ContractGenHostedService>().Host);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new ContractGenHostBuilder(services);
    }

    /// <summary>Binds options from a configuration section when the application has a configuration at all.</summary>
    private sealed class BindSection<TOptions>(IServiceProvider provider, string sectionName) : IConfigureOptions<TOptions>
        where TOptions : class
    {
        public void Configure(TOptions options)
        {
            if (provider.GetService(typeof(IConfiguration)) is IConfiguration configuration)
            {
                configuration.GetSection(sectionName).Bind(options);
            }
        }
    }
}
