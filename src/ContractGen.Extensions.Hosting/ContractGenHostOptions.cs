using ContractGen.Transports;

namespace ContractGen.Extensions.Hosting;

/// <summary>
/// Where the hosted ContractGen host listens, and how it ties into the application's lifetime. Bound from the same
/// configuration section as <see cref="ServiceHostOptions"/> (<c>ContractGen</c> by default).
/// </summary>
public sealed class ContractGenHostOptions
{
    /// <summary>The configuration section both option types are bound from unless another is given.</summary>
    public const string DefaultSectionName = "ContractGen";

    /// <summary>
    /// A Unix socket path to listen on (configuration key <c>ContractGen:SocketPath</c>). When neither this nor
    /// <see cref="Endpoint"/> is set, the host takes systemd's socket when socket-activated, and otherwise listens on
    /// the first contract's well-known location (<see cref="ServiceHost.StartAsync(CancellationToken)"/>).
    /// </summary>
    public string? SocketPath { get; set; }

    /// <summary>An endpoint set in code (<see cref="ContractGenHostBuilder.ListenOn(ServiceEndpoint)"/>); wins over <see cref="SocketPath"/>.</summary>
    public ServiceEndpoint? Endpoint { get; set; }

    /// <summary>
    /// Whether the application stops when the ContractGen host stops on its own (its idle timeout, see
    /// <see cref="ServiceHostOptions.IdleTimeout"/>). Default: true, so that an on-demand daemon exits when idle.
    /// </summary>
    public bool StopApplicationWhenIdle { get; set; } = true;
}
