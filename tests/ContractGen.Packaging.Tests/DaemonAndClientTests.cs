using System.Diagnostics;
using System.Globalization;
using ContractGen.Packaging.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ContractGen.Packaging.Tests;

/// <summary>
/// A fresh project with only PackageReferences (ContractGen, its Hosting package and the generic host) builds
/// warning-free, and its daemon and client, two processes, talk over a Unix socket through the generated proxy and
/// dispatcher, the validator included.
/// </summary>
public sealed class DaemonAndClientTests(ITestOutputHelper output)
{
    private const string Contract = """
        using System.ComponentModel.DataAnnotations;
        using ContractGen;
        using MemoryPack;

        namespace Packaged;

        [ServiceContract(Name = "com.example.packaged", Context = ServiceContext.System)]
        [AllowAnyLocalUser]
        public partial interface IGreeter
        {
            ValueTask<Greeting> GreetAsync([StringLength(16)] string name, CancellationToken cancellationToken = default);

            ValueTask<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);
        }

        [MemoryPackable]
        public sealed partial record Greeting(string Text, int ProcessId);

        public sealed class Greeter : IGreeter
        {
            public ValueTask<Greeting> GreetAsync(string name, CancellationToken cancellationToken = default)
                => ValueTask.FromResult(new Greeting($"hello, {name}", Environment.ProcessId));

            public ValueTask<long> AddAsync(long a, long b, CancellationToken cancellationToken = default) => ValueTask.FromResult(a + b);
        }
        """;

    private const string Program = """
        using ContractGen;
        using ContractGen.Extensions.Hosting;
        using ContractGen.Transports;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Microsoft.Extensions.Logging;
        using Packaged;

        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: Packaged daemon|client SOCKET");
            return 2;
        }

        var endpoint = ServiceEndpoint.UnixSocket(args[1]);
        if (args[0] == "daemon")
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddContractGenHost(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5))
                .AddService<IGreeter, Greeter>()
                .ListenOn(endpoint);
            using var host = builder.Build();
            await host.StartAsync();
            Console.WriteLine($"ready {Environment.ProcessId}");
            await host.WaitForShutdownAsync();
            Console.WriteLine("stopped");
            return 0;
        }

        await using var connection = await ConnectAsync(endpoint);
        var greeting = await connection.Proxy.GreetAsync("packages");
        Console.WriteLine($"{greeting.Text} from {greeting.ProcessId}, peer {connection.ServiceCredentials?.ProcessId}");
        Console.WriteLine($"sum {await connection.Proxy.AddAsync(40, 2)}");
        try
        {
            await connection.Proxy.GreetAsync(new string('x', 17));
            Console.WriteLine("accepted a 17-character name");
        }
        catch (ArgumentValidationException)
        {
            Console.WriteLine("rejected a 17-character name");
        }

        return 0;

        // Linux rarely refuses a Unix-socket connect with EADDRNOTAVAIL (errno 99) under load, even to a listening
        // socket; a retry connects. Said on stderr, so that a failure shows it.
        static async Task<ServiceConnection<IGreeter>> ConnectAsync(ServiceEndpoint endpoint)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await ServiceConnection.ConnectAsync<IGreeter>(endpoint);
                }
                catch (ServiceConnectionException ex) when (attempt < 3 && ex.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressNotAvailable })
                {
                    Console.Error.WriteLine($"connect attempt {attempt}: {ex.Message}");
                    await Task.Delay(200);
                }
            }
        }
        """;

    [Fact]
    public async Task A_project_with_only_package_references_builds_and_its_daemon_serves_its_client()
    {
        var feed = await PackedFeed.GetAsync();
        var folder = feed.NewProjectFolder("app");
        ConsumerProject.Write(folder, "Packaged", "Exe",
            [("ContractGen", feed.Version), ("ContractGen.Extensions.Hosting", feed.Version), ("Microsoft.Extensions.Hosting", "10.0.0")],
            new Dictionary<string, string> { ["Greeter.cs"] = Contract, ["Program.cs"] = Program });

        var stopwatch = Stopwatch.StartNew();
        var build = await ConsumerProject.BuildAsync(feed, folder, "-o", Path.Combine(folder, "out"));
        output.WriteLine($"restore and build: {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.DoesNotContain(": warning ", build.Output, StringComparison.Ordinal);
        // This run's packages were used, from the feed: not a copy of ContractGen from anywhere else.
        Assert.True(Directory.Exists(Path.Combine(feed.Packages, "contractgen", feed.Version)), $"ContractGen {feed.Version} was not restored into the private packages folder {feed.Packages}");
        output.WriteLine($"restored into the private packages folder: {string.Join(", ", Directory.EnumerateDirectories(feed.Packages).Select(Path.GetFileName))}");

        var app = Path.Combine(folder, "out", "Packaged.dll");
        var socketDirectory = Path.Combine(folder, "run");
        Directory.CreateDirectory(socketDirectory);
        var socket = Path.Combine(socketDirectory, "greeter.sock");

        using var daemon = new Process { StartInfo = ProcessRunner.CreateStartInfo(ProcessRunner.Dotnet, [app, "daemon", socket], folder, feed.Environment) };
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var daemonOutput = new System.Collections.Concurrent.ConcurrentQueue<string>();
        daemon.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                daemonOutput.Enqueue(line);
                lines.Writer.TryWrite(line);
            }
        };
        daemon.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                daemonOutput.Enqueue("stderr: " + line);
            }
        };
        daemon.Start();
        daemon.BeginOutputReadLine();
        daemon.BeginErrorReadLine();
        try
        {
            var ready = await ReadLineAsync(lines.Reader, TimeSpan.FromSeconds(60));
            Assert.True(ready?.StartsWith("ready ", StringComparison.Ordinal) == true, $"the daemon did not say 'ready' within 60 s; it printed:\n{string.Join('\n', daemonOutput)}");
            var daemonPid = int.Parse(ready!["ready ".Length..], CultureInfo.InvariantCulture);

            var client = await ProcessRunner.RunAsync(ProcessRunner.Dotnet, [app, "client", socket], folder, TimeSpan.FromSeconds(60), feed.Environment);
            Assert.True(client.ExitCode == 0, $"{client}\nThe daemon printed:\n{string.Join('\n', daemonOutput)}");
            Assert.Equal(
                [$"hello, packages from {daemonPid}, peer {daemonPid}", "sum 42", "rejected a 17-character name"],
                client.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            using (var kill = Process.Start("kill", ["-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var stopped = await ReadLineAsync(lines.Reader, TimeSpan.FromSeconds(30));
            Assert.True(stopped == "stopped", $"the daemon did not say 'stopped' within 30 s of SIGTERM; it printed:\n{string.Join('\n', daemonOutput)}");
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await daemon.WaitForExitAsync(exit.Token);
            Assert.Equal(0, daemon.ExitCode);
        }
        finally
        {
            if (!daemon.HasExited)
            {
                daemon.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<string?> ReadLineAsync(System.Threading.Channels.ChannelReader<string> lines, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await lines.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
