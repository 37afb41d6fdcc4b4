using ContractGen;
using ContractGen.Transports;
using Example.Clock;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Example.ClockAgent;

/// <summary>
/// The agent's one connection to the Clock system daemon, shared by every session: opened on first use and opened
/// again after the daemon restarted, so that the agent outlives its daemon.
/// </summary>
public sealed partial class ClockDaemonClient(IConfiguration configuration, ILogger<ClockDaemonClient> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ServiceConnection<IClock>? _connection;

    /// <summary><c>ClockAgent:ClockSocket</c> when configured (the demo's private daemon), else the daemon's well-known location.</summary>
    public UnixSocketEndpoint Endpoint { get; } = configuration["ClockAgent:ClockSocket"] is { Length: > 0 } path
        ? ServiceEndpoint.UnixSocket(path)
        : ServiceEndpoint.ForContract<IClock>();

    /// <summary>The daemon's proxy over an open connection.</summary>
    /// <exception cref="ServiceConnectionException">The daemon is not running (<see cref="ConnectionCloseReason.ConnectFailed"/>).</exception>
    public async ValueTask<IClock> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { Completion.IsCompleted: false } open)
        {
            return open.Proxy;
        }

        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { Completion.IsCompleted: false } raced)
            {
                return raced.Proxy;
            }

            if (_connection is { } closed)
            {
                LogReconnecting(logger, Endpoint.Path);
                await closed.DisposeAsync().ConfigureAwait(false);
            }

            var connection = await ServiceConnection.ConnectAsync<IClock>(Endpoint, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogConnected(logger, Endpoint.Path, connection.ServiceCredentials?.ProcessId);
            Volatile.Write(ref _connection, connection);
            return connection.Proxy;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Closes the connection to the daemon.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connecting.Dispose();
    }

    [LoggerMessage(1, LogLevel.Information, "Connected to the clock daemon at {Path} (pid {Pid})")]
    private static partial void LogConnected(ILogger logger, string path, int? pid);

    [LoggerMessage(2, LogLevel.Warning, "The connection to the clock daemon at {Path} closed; connecting again")]
    private static partial void LogReconnecting(ILogger logger, string path);
}
