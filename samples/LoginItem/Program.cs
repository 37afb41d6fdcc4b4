using System.Runtime.InteropServices;
using ContractGen.Transports;
using Example.ClockAgent;
using Example.LoginItem;

// LoginItem: a program that starts with the user's session, like a macOS login item, and talks to the per-user
// ClockAgent (which itself calls the Clock system daemon).
//
//   LoginItem                          the demo: starts the daemon, then the login item, then the agent it waits for;
//                                      restarts the agent under it; ends the session; stops everything
//   LoginItem run [--socket PATH]      the login item itself: what the session starts; runs until logout
//   LoginItem autostart [--install]    prints (or installs) the XDG autostart entry that starts `LoginItem run` at login
var command = args.FirstOrDefault() ?? "demo";
return command switch
{
    "run" => await RunAsync(Option("--socket")),
    "autostart" => InstallAutostart(args.Contains("--install")),
    "demo" => await RunDemoAsync(),
    _ => Usage(),
};

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static int Usage()
{
    Console.Error.WriteLine("usage: LoginItem [demo | run [--socket PATH] | autostart [--install]]");
    return 2;
}

// Until the session ends: logout sends SIGHUP or SIGTERM; Ctrl+C in a terminal sends SIGINT.
static async Task<int> RunAsync(string? socket)
{
    using var sessionEnd = new CancellationTokenSource();
    using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, End);
    using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, End);
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, End);
    var client = new SessionClient(socket is null ? AgentLocation.Endpoint : ServiceEndpoint.UnixSocket(socket), TimeZoneInfo.Local.Id, TimeSpan.FromSeconds(1));
    client.Show += line => Console.WriteLine(line);
    await client.RunAsync(sessionEnd.Token);
    return 0;

    void End(PosixSignalContext context)
    {
        context.Cancel = true;
        try
        {
            sessionEnd.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A second signal while the program is already returning.
        }
    }
}

static int InstallAutostart(bool install)
{
    var entry = Autostart.Entry();
    if (!install)
    {
        Console.Write(entry);
        Console.Error.WriteLine($"(add --install to write it to {Autostart.EntryPath()})");
        return 0;
    }

    var path = Autostart.EntryPath();
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    File.WriteAllText(path, entry);
    Console.WriteLine($"wrote {path}: the login item starts at your next login (delete the file to undo)");
    return 0;
}

static async Task<int> RunDemoAsync()
{
    var directory = Directory.CreateTempSubdirectory("login-item-demo-").FullName;
    var clockSocket = Path.Combine(directory, "clock.sock");
    var agentEndpoint = AgentLocation.Endpoint;
    try
    {
        Console.WriteLine($"starting the Clock system daemon on {clockSocket}");
        await using var daemon = await SampleProcess.StartAsync("clock daemon", "clock.dll", "daemon", "--socket", clockSocket);

        // At login the session starts its login items and the user's agents in no particular order.
        Console.WriteLine("the session starts the login item before the agent:");
        var client = new SessionClient(agentEndpoint, "UTC", TimeSpan.FromMilliseconds(500));
        client.Show += line => Console.WriteLine("  [login item] " + line);
        var ticks = new TickCounter();
        client.Ticked += ticks.OnTick;
        using var sessionEnd = new CancellationTokenSource();
        var loginItem = client.RunAsync(sessionEnd.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Console.WriteLine($"starting the per-user agent on {agentEndpoint.Path}");
        var agent = await SampleProcess.StartAsync("agent", "ClockAgent.dll", "agent", "--clock-socket", clockSocket);
        try
        {
            await ticks.WaitAsync(3);
            Console.WriteLine("restarting the agent (an upgrade, say): SIGTERM, then a new process");
            Console.WriteLine($"  the old agent exited with code {await agent.StopAsync()}");
            await agent.DisposeAsync();
            agent = await SampleProcess.StartAsync("agent", "ClockAgent.dll", "agent", "--clock-socket", clockSocket);
            await ticks.WaitAsync(3);

            Console.WriteLine("the user logs out: the session ends the login item, then stops the agent and the daemon");
            await sessionEnd.CancelAsync();
            await loginItem;
            Console.WriteLine($"  agent exit code {await agent.StopAsync()}, daemon exit code {await daemon.StopAsync()}");
        }
        finally
        {
            await agent.DisposeAsync();
        }

        return 0;
    }
    finally
    {
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>Lets the demo wait for the login item to show a number of ticks from now on.</summary>
internal sealed class TickCounter
{
    private readonly Lock _lock = new();
    private int _remaining;
    private TaskCompletionSource? _done;

    public void OnTick()
    {
        lock (_lock)
        {
            if (_done is not null && --_remaining == 0)
            {
                _done.TrySetResult();
            }
        }
    }

    public Task WaitAsync(int ticks)
    {
        lock (_lock)
        {
            _remaining = ticks;
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task.WaitAsync(TimeSpan.FromMinutes(1));
        }
    }
}
