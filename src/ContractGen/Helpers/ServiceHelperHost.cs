using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using ContractGen.Helpers;
using ContractGen.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContractGen;

/// <summary>
/// The helper's side of a private helper: serves one contract on the private connection its application opened for it,
/// and returns when the application goes away (or on <c>SIGTERM</c>). Call it from the helper's <c>Main</c>.
/// </summary>
/// <example>
/// <code>
/// // The helper program: serve, and exit when the application closes the connection.
/// await ServiceHelperHost.RunAsync&lt;IMailServer&gt;(new MailServer());
/// </code>
/// </example>
[SupportedOSPlatform("linux")]
public static class ServiceHelperHost
{
    /// <summary>
    /// The environment variable through which the application tells its helper where to connect. Set only by
    /// <see cref="HelperConnection"/>; the helper removes it from its environment once read, so its own children do not see it.
    /// </summary>
    public const string SocketVariable = "CONTRACTGEN_HELPER_SOCKET";

    /// <summary>Whether this process was started as a helper by a <see cref="HelperConnection"/> (and has not started serving yet).</summary>
    public static bool IsHelperProcess => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SocketVariable));

    /// <summary>
    /// Connects to the application that started this process, checks that the other end is that application (its pid is
    /// this process's parent pid, by the kernel's peer credentials), serves <paramref name="implementation"/> on the
    /// connection, and returns once the application has closed it (it exited, crashed, went idle or disposed its
    /// connection), on <c>SIGTERM</c> (after calls in flight finish), or when <paramref name="cancellationToken"/> fires.
    /// <c>SIGINT</c> is ignored: a terminal's Ctrl+C is for the application, which ends its helper itself.
    /// </summary>
    /// <exception cref="InvalidOperationException">This process was not started by a <see cref="HelperConnection"/>, or the socket it was given is served by a process other than its parent.</exception>
    public static async Task RunAsync<TContract>(
        TContract implementation,
        ServiceHostOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(implementation);
        var contract = ContractRegistry.Get<TContract>();
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("ContractGen.HelperHost");
        var path = Environment.GetEnvironmentVariable(SocketVariable);
        if (string.IsNullOrEmpty(path))
        {
            throw new InvalidOperationException(
                $"This program is a private helper for '{contract.Name}': its application starts it (HelperConnection) and passes the connection in {SocketVariable}. It cannot run on its own.");
        }

        Environment.SetEnvironmentVariable(SocketVariable, null);
        var parent = new ParentTransport(await ConnectToParentAsync(path, contract.Name, cancellationToken).ConfigureAwait(false));
        var host = new ServiceHost(options, loggerFactory);
        await using (host.ConfigureAwait(false))
        {
            host.AddService(implementation);
            await host.StartAsync(new ParentEndpoint(parent), cancellationToken).ConfigureAwait(false);
            logger.HelperServing(contract.Name, parent.PeerCredentials?.ToString() ?? "unknown");

            var terminate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                terminate.TrySetResult();
            });
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
            using var cancelled = cancellationToken.Register(() => terminate.TrySetResult());

            if (await Task.WhenAny(parent.Closed, terminate.Task).ConfigureAwait(false) == parent.Closed)
            {
                logger.HelperParentGone();
            }
            else
            {
                logger.HelperTerminating();
            }

            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task<ITransport> ConnectToParentAsync(string path, string contract, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        SocketTransport transport;
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            transport = new SocketTransport(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        // The application checks that this process is the one it started; the helper checks that it reached its parent
        // and not something that took the socket's place.
        var parentPid = HelperNative.ParentProcessId;
        if (transport.PeerCredentials is not { } peer || peer.ProcessId != parentPid)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Refusing to serve '{contract}': the socket '{path}' is served by {transport.PeerCredentials?.ToString() ?? "a process the kernel did not name"}, not by this helper's parent (pid {parentPid}).");
        }

        return transport;
    }

    /// <summary>The connection to the application; <see cref="Closed"/> completes when it ends.</summary>
    private sealed class ParentTransport(ITransport inner) : ITransport
    {
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Closed => _closed.Task;

        public PeerCredentials? PeerCredentials => inner.PeerCredentials;

        public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            try
            {
                var received = await inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (received == 0)
                {
                    _closed.TrySetResult();
                }

                return received;
            }
            catch
            {
                _closed.TrySetResult();
                throw;
            }
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => inner.SendAsync(data, cancellationToken);

        public void Abort()
        {
            inner.Abort();
            _closed.TrySetResult();
        }

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            _closed.TrySetResult();
        }
    }

    /// <summary>An endpoint whose listener yields the one connection to the application, then nothing until the host stops.</summary>
    private sealed class ParentEndpoint(ITransport transport) : ServiceEndpoint
    {
        public override ValueTask<ITransportListener> ListenAsync(CancellationToken cancellationToken)
            => ValueTask.FromResult<ITransportListener>(new Listener(transport));

        public override ValueTask<ITransport> ConnectAsync(CancellationToken cancellationToken)
            => throw new NotSupportedException("A helper does not connect to itself.");

        public override string ToString() => "the application's private connection";

        private sealed class Listener(ITransport transport) : ITransportListener
        {
            private ITransport? _pending = transport;

            public async ValueTask<ITransport> AcceptAsync(CancellationToken cancellationToken)
            {
                if (Interlocked.Exchange(ref _pending, null) is { } first)
                {
                    return first;
                }

                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                throw new OperationCanceledException(cancellationToken);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
