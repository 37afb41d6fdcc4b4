using System.Diagnostics;
using ContractGen;
using ContractGen.Transports;
using Example.Clock;
using Microsoft.Extensions.Logging;

// clock                      → the demo: starts the daemon as a separate process, calls it, stops it
// clock daemon --socket PATH → serves IClock on a Unix domain socket until Ctrl+C / SIGTERM
// clock client --socket PATH → calls a running daemon
var command = args.FirstOrDefault() ?? "demo";
var socket = GetOption("--socket") ?? Path.Combine(Path.GetTempPath(), $"clock-demo-{Environment.ProcessId}", "clock.sock");

return command switch
{
    "daemon" => await RunDaemonAsync(socket),
    "client" => await RunClientAsync(socket),
    "demo" => await RunDemoAsync(socket),
    _ => Usage(),
};

string? GetOption(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static int Usage()
{
    Console.Error.WriteLine("usage: clock [demo | daemon --socket PATH | client --socket PATH]");
    return 2;
}

static async Task<int> RunDaemonAsync(string socket)
{
    using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
    Directory.CreateDirectory(Path.GetDirectoryName(socket)!);

    await using var host = new ServiceHost(new ServiceHostOptions { ShutdownTimeout = TimeSpan.FromSeconds(5) }, loggerFactory);
    host.AddService<IClock>(new ClockService(TimeProvider.System));
    await host.StartAsync(ServiceEndpoint.UnixSocket(socket));
    Console.WriteLine("ready");

    using var stop = new CancellationTokenSource();
    using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
        System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
    await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    await host.StopAsync();
    return 0;
}

static async Task<int> RunClientAsync(string socket)
{
    await using var connection = await ServiceConnection.ConnectAsync<IClock>(ServiceEndpoint.UnixSocket(socket));
    var clock = connection.Proxy;
    Console.WriteLine($"connected to '{connection.Contract.Name}', served by pid {connection.ServiceCredentials?.ProcessId} (uid {connection.ServiceCredentials?.UserId})");

    var reading = await clock.NowAsync("UTC");
    Console.WriteLine($"NowAsync(\"UTC\")   = {reading.Time:O} (call #{reading.CallsServed})");

    // Many calls in flight at once on one connection: each gets its own answer.
    var sums = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => clock.AddAsync(i, i).AsTask()));
    Console.WriteLine($"1000 concurrent AddAsync calls: all correct = {sums.Select((s, i) => s == 2L * i).All(ok => ok)}");

    var stopwatch = Stopwatch.StartNew();
    for (var i = 0; i < 10_000; i++)
    {
        await clock.AddAsync(i, 1);
    }

    Console.WriteLine($"10000 sequential AddAsync calls: {stopwatch.Elapsed.TotalMicroseconds / 10_000:F1} µs per call");

    try
    {
        await clock.NowAsync("Nowhere/Atlantis");
    }
    catch (ServiceFaultException ex) when (ex.Code == "zone-not-found")
    {
        Console.WriteLine($"declared fault, as expected: {ex.Code}: {ex.Message}");
    }

    await clock.ResetAsync(CancellationToken.None);
    Console.WriteLine("ResetAsync done");
    return 0;
}

static async Task<int> RunDemoAsync(string socket)
{
    Console.WriteLine($"starting the daemon in a separate process on {socket}");
    using var daemon = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["daemon", "--socket", socket])
    {
        RedirectStandardOutput = true,
    })!;

    // Wait for the daemon to say it is listening.
    while (await daemon.StandardOutput.ReadLineAsync() is { } line && line != "ready")
    {
        Console.WriteLine("daemon: " + line);
    }

    _ = Task.Run(async () =>
    {
        while (await daemon.StandardOutput.ReadLineAsync() is { } line)
        {
            Console.WriteLine("daemon: " + line);
        }
    });

    try
    {
        return await RunClientAsync(socket);
    }
    finally
    {
        Process.Start("kill", ["-TERM", daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
        await daemon.WaitForExitAsync();
        Console.WriteLine($"daemon exited with code {daemon.ExitCode}");
        Directory.Delete(Path.GetDirectoryName(socket)!, recursive: true);
    }
}
