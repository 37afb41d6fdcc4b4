using ContractGen;
using ContractGen.Extensions.Hosting;
using Example.ClockAgent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// ClockAgent: a per-user agent that answers its user's programs and itself calls the Clock system daemon (the
// daemon + agent split of launchd: privileged, shared work in the daemon; per-user state in the agent).
//
//   ClockAgent                                          the demo: starts the Clock daemon and the agent as child
//                                                       processes, calls the agent from two sessions, stops both
//   ClockAgent agent [--socket PATH] [--clock-socket PATH]   runs the agent (what a systemd user unit would start)
//   ClockAgent client [--socket PATH]                   greets through a running agent
//
// Without --socket the agent listens on $XDG_RUNTIME_DIR/com.example.clock-agent.sock (see AgentLocation); without
// --clock-socket it calls the daemon at /run/com.example.clock/com.example.clock.sock.
var command = args.FirstOrDefault() ?? "demo";
return command switch
{
    "agent" => await RunAgentAsync(args[1..]),
    "client" => await RunClientAsync(Option("--socket")),
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
    Console.Error.WriteLine("usage: ClockAgent [demo | agent [--socket PATH] [--clock-socket PATH] | client [--socket PATH]]");
    return 2;
}

// The agent under Microsoft.Extensions.Hosting: DI, configuration (command line, environment, appsettings.json),
// logging, and SIGTERM handled by the generic host, which stops the ContractGen host gracefully.
static async Task<int> RunAgentAsync(string[] arguments)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Configuration.AddCommandLine(arguments, new Dictionary<string, string>
    {
        ["--socket"] = "ContractGen:SocketPath",
        ["--clock-socket"] = "ClockAgent:ClockSocket",
    });
    builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
    builder.Services.AddSingleton<ClockDaemonClient>();
    var contractGen = builder.Services
        .AddContractGenHost(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5))
        .AddService<IClockAgent, ClockAgentService>(ServiceLifetimeScope.PerConnection);
    // Under socket activation the host takes systemd's socket; otherwise the agent's location, with its fallback.
    if (string.IsNullOrEmpty(builder.Configuration["ContractGen:SocketPath"]) && !ContractGen.Systemd.SystemdActivation.IsSocketActivated)
    {
        contractGen.ListenOn(AgentLocation.Endpoint);
    }

    using var app = builder.Build();
    app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => Console.WriteLine("ready"));
    await app.RunAsync();
    return 0;
}

static async Task<int> RunClientAsync(string? socket)
{
    var endpoint = socket is null ? AgentLocation.Endpoint : ContractGen.Transports.ServiceEndpoint.UnixSocket(socket);
    await using var session = await ServiceConnection.ConnectAsync<IClockAgent>(endpoint);
    var agent = session.Proxy;
    Console.WriteLine($"connected to the agent at {endpoint.Path} (pid {session.ServiceCredentials?.ProcessId}, uid {session.ServiceCredentials?.UserId})");
    foreach (var zone in new[] { "UTC", "Europe/Paris", "Asia/Tokyo" })
    {
        var greeting = await agent.GreetAsync(zone);
        Console.WriteLine($"  {greeting.Text}  (greeting #{greeting.SessionGreetings} of this session)");
    }

    // Another session: the agent serves it with its own instance (ServiceLifetimeScope.PerConnection).
    await using (var other = await ServiceConnection.ConnectAsync<IClockAgent>(endpoint))
    {
        var greeting = await other.Proxy.GreetAsync("UTC");
        Console.WriteLine($"a second session gets its own state: greeting #{greeting.SessionGreetings}");
    }

    Console.WriteLine("three ticks streamed by the agent, each read from the daemon:");
    await foreach (var tick in agent.WatchAsync("UTC", count: 3, intervalMilliseconds: 300))
    {
        Console.WriteLine($"  {tick.Time:HH:mm:ss.fff} (daemon has served {tick.DaemonCallsServed} calls)");
    }

    return 0;
}

static async Task<int> RunDemoAsync()
{
    var directory = Directory.CreateTempSubdirectory("clock-agent-demo-").FullName;
    var clockSocket = Path.Combine(directory, "clock.sock");
    try
    {
        Console.WriteLine($"starting the Clock system daemon on {clockSocket}");
        await using var daemon = await SampleProcess.StartAsync("clock daemon", "clock.dll", "daemon", "--socket", clockSocket);
        Console.WriteLine($"starting the per-user agent on {AgentLocation.Endpoint.Path}");
        await using var agent = await SampleProcess.StartAsync("agent", "ClockAgent.dll", "agent", "--clock-socket", clockSocket);

        var result = await RunClientAsync(socket: null);

        Console.WriteLine($"stopping the agent (SIGTERM): exit code {await agent.StopAsync()}");
        Console.WriteLine($"stopping the daemon (SIGTERM): exit code {await daemon.StopAsync()}");
        return result;
    }
    finally
    {
        Directory.Delete(directory, recursive: true);
    }
}
