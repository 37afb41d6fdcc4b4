using System.Globalization;
using System.Net.Sockets;
using ContractGen;
using ContractGen.Helpers.TestHelper;

// The test helper, in one of several roles chosen by the first argument:
//   (none)                 a private helper serving IHelperProbe (waits for the file in PROBE_CONNECT_GATE first, if set)
//   wrong-contract         a private helper serving IOtherProbe instead
//   exit-early CODE        exits with CODE before connecting
//   stranger SOCKET        connects to SOCKET as an unrelated process; prints "received N" once the other side closes
//   app                    an application with a helper of its own (this program); prints "helper PID", then waits
//   app-run-as USER        an application that asks for its helper to run as USER; prints "ok UID" or the error
if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("The helper tests run on Linux only.");
    return 2;
}

switch (args.FirstOrDefault())
{
    case "exit-early":
        return int.Parse(args[1], CultureInfo.InvariantCulture);

    case "stranger":
        return await StrangerAsync(args[1]);

    case "app":
        return await AppAsync();

    case "app-run-as":
        return await AppRunAsAsync(args[1]);

    case "wrong-contract":
        await ServiceHelperHost.RunAsync<IOtherProbe>(new OtherProbe());
        return 0;

    default:
        // Read before RunAsync, which removes the variable from the environment.
        HelperProbe.SocketPath = Environment.GetEnvironmentVariable(ServiceHelperHost.SocketVariable) ?? string.Empty;
        if (Environment.GetEnvironmentVariable("PROBE_CONNECT_GATE") is { Length: > 0 } gate)
        {
            for (var i = 0; i < 6000 && !File.Exists(gate); i++)
            {
                await Task.Delay(10);
            }
        }

        await ServiceHelperHost.RunAsync<IHelperProbe>(new HelperProbe());
        return 0;
}

static async Task<int> StrangerAsync(string path)
{
    using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
    var buffer = new byte[4096];
    var total = 0;
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
    try
    {
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            total += read;
        }
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine($"still open after 60 s, received {total}");
        return 1;
    }
    catch (SocketException ex)
    {
        Console.WriteLine($"reset ({ex.SocketErrorCode}), received {total}");
        return 0;
    }

    Console.WriteLine($"received {total}");
    return 0;
}

static async Task<int> AppAsync()
{
    var options = HelperOptions.ForDotNetAssembly(Path.Combine(AppContext.BaseDirectory, "ContractGen.Helpers.TestHelper.dll"));
    options.IdleTimeout = Timeout.InfiniteTimeSpan;
    await using var helper = ServiceHelper.Create<IHelperProbe>(options);
    var facts = await helper.Proxy.GetFactsAsync();
    Console.WriteLine($"helper {facts.ProcessId.ToString(CultureInfo.InvariantCulture)}");
    await Task.Delay(Timeout.Infinite);
    return 0;
}

static async Task<int> AppRunAsAsync(string user)
{
    var options = HelperOptions.ForDotNetAssembly(Path.Combine(AppContext.BaseDirectory, "ContractGen.Helpers.TestHelper.dll"));
    options.UserName = user;
    await using var helper = ServiceHelper.Create<IHelperProbe>(options);
    try
    {
        var facts = await helper.Proxy.GetFactsAsync();
        Console.WriteLine($"ok {facts.UserId.ToString(CultureInfo.InvariantCulture)}");
    }
    catch (ServiceInvalidatedException ex)
    {
        Console.WriteLine($"invalidated {ex.InvalidationReason}: {ex.Message}");
    }

    return 0;
}
