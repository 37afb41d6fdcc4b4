using System.Runtime.InteropServices;
using ContractGen.Extensions.Hosting;
using ContractGen.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContractGen.Hosting.TestDaemon;

/// <summary>
/// <c>--load --socket PATH [--generic-host]</c>: serves <see cref="ILoad"/> until SIGTERM, with a bare
/// <see cref="ServiceHost"/> or under Microsoft.Extensions.Hosting (a new instance per call). Prints <c>ready</c>, then
/// <c>stopping in-flight=N</c> when the stop begins, and <c>accepted=N completed=M</c> once everything has stopped: the
/// counts the test compares with what its clients received.
/// </summary>
internal static class LoadDaemon
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var socket = ServiceEndpoint.UnixSocket(args[Array.IndexOf(args, "--socket") + 1]);
        var counters = new LoadCounters();
        if (args.Contains("--generic-host"))
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton(counters);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
            builder.Services.AddContractGenHost(o => o.ShutdownTimeout = ShutdownTimeout)
                .ListenOn(socket)
                .AddService<ILoad, LoadService>(ServiceLifetimeScope.PerCall);
            using var app = builder.Build();
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStarted.Register(() => Console.WriteLine("ready"));

            // The generic host's console lifetime turns SIGTERM into this.
            lifetime.ApplicationStopping.Register(() => Console.WriteLine($"stopping in-flight={counters.InFlight}"));
            await app.RunAsync();
        }
        else
        {
            using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            await using var host = new ServiceHost(new ServiceHostOptions { ShutdownTimeout = ShutdownTimeout }, loggerFactory);
            host.AddService<ILoad>(new LoadService(counters));
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                Console.WriteLine($"stopping in-flight={counters.InFlight}");
                _ = host.StopAsync();
            });
            await host.StartAsync(socket);
            Console.WriteLine("ready");
            await host.Completion;
        }

        Console.WriteLine($"accepted={counters.Accepted} completed={counters.Completed}");
        return 0;
    }
}

/// <summary>How many calls reached the implementation, and how many it finished.</summary>
internal sealed class LoadCounters
{
    private long _accepted;
    private long _completed;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Completed => Interlocked.Read(ref _completed);

    public long InFlight => Accepted - Completed;

    public void OnAccepted() => Interlocked.Increment(ref _accepted);

    public void OnCompleted() => Interlocked.Increment(ref _completed);
}

internal sealed class LoadService(LoadCounters counters) : ILoad
{
    public async ValueTask<long> WorkAsync(long value, int milliseconds, CancellationToken cancellationToken = default)
    {
        counters.OnAccepted();

        // The host's token is not passed on: a drain must let this finish, and only the shutdown timeout may cut it.
        await Task.Delay(milliseconds, CancellationToken.None);
        counters.OnCompleted();
        return value * 2;
    }
}
