using ContractGen;
using Example.MailChecker;
using Microsoft.Extensions.Logging;

// MailChecker: an application that checks mail through a private helper process, the way a macOS app uses an XPC
// service. The helper parses untrusted messages; when a malformed one crashes it, the application is told, the helper
// is relaunched on the next call, and the application keeps working with the same proxy.
//
//   dotnet run --project samples/MailChecker [-- --helper-user nobody]
//
// The same program is the helper: the application starts it with `dotnet exec MailChecker.dll`, and
// ServiceHelperHost.IsHelperProcess tells it which part to play.
if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("MailChecker needs Linux (private helpers use Unix sockets, peer credentials, setpriv and prlimit).");
    return 1;
}

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error));
if (ServiceHelperHost.IsHelperProcess)
{
    await ServiceHelperHost.RunAsync<IMailServer>(new MailServer(), loggerFactory: loggerFactory);
    return 0;
}

var options = HelperOptions.ForDotNetAssembly(Path.Combine(AppContext.BaseDirectory, "MailChecker.dll"));
options.IdleTimeout = TimeSpan.FromSeconds(2);
options.InitialRelaunchDelay = TimeSpan.FromMilliseconds(200);
options.CrashLimit = 3;
options.CrashWindow = TimeSpan.FromMinutes(1);
options.ResourceLimits.OpenFiles = 256;
options.ResourceLimits.CoreFileSizeBytes = 0;
options.Output = HelperOutput.Discard; // the crash report of Environment.FailFast would drown the story
var helperUser = args.SkipWhile(a => a != "--helper-user").Skip(1).FirstOrDefault();
if (helperUser is not null)
{
    options.UserName = helperUser; // needs root; the helper then runs as this user with no_new_privs
}

await using var mail = ServiceHelper.Create<IMailServer>(options, loggerFactory);
mail.Launched += (_, e) => Say("event", $"helper started: pid {e.ProcessId} (launch #{e.LaunchCount})");
mail.Interrupted += (_, e) => Say("event", $"INTERRUPTED: helper {e.ProcessId} {e.Description}; crash {e.RecentCrashes} in the window, relaunch on the next call after {e.RelaunchDelay.TotalMilliseconds:0} ms");
mail.Exited += (_, e) => { if (e.Reason == HelperExitReason.Idle) Say("event", $"helper {e.ProcessId} was idle and exited ({e.Description})"); };
mail.Invalidated += (_, e) => Say("event", $"INVALIDATED: {e.Error.Message}");

// The application holds one proxy for its whole life.
var server = mail.Proxy;
Say("app", $"MailChecker (pid {Environment.ProcessId}, user {Environment.UserName}); the helper starts on the first call");

await CheckAsync("inbox");
await CheckAsync("work");

Say("app", "checking 'spam', which holds a malformed message that crashes the helper's parser...");
await CheckAsync("spam");

Say("app", "the application keeps working; the same proxy relaunches the helper:");
await CheckAsync("inbox");

Say("app", $"waiting for the idle helper to exit (IdleTimeout {options.IdleTimeout.TotalSeconds:0} s)...");
await Task.Delay(options.IdleTimeout + TimeSpan.FromSeconds(1.5));
Say("app", $"helper running: {(mail.ProcessId is { } pid ? $"pid {pid}" : "none")}; the next call starts it again:");
await CheckAsync("work");

Say("app", $"a user keeps clicking 'spam': after {options.CrashLimit} crashes within {options.CrashWindow.TotalMinutes:0} min the connection is invalidated instead of relaunching forever:");
for (var i = 0; i < options.CrashLimit + 1 && mail.State != HelperState.Invalidated; i++)
{
    await CheckAsync("spam");
}

await CheckAsync("inbox");
Say("app", $"done: {mail.LaunchCount} helper launches; connection {mail.State}");
return 0;

async Task CheckAsync(string mailbox)
{
    try
    {
        var summary = await server.CheckAsync(mailbox);
        Say("app", $"'{summary.Mailbox}': {summary.Subjects.Length} unread ({string.Join("; ", summary.Subjects)}) [helper pid {summary.HelperProcessId}, uid {summary.HelperUserId}]");
    }
    catch (ServiceInterruptedException ex)
    {
        Say("app", $"'{mailbox}' failed, the helper crashed: {ex.GetType().Name}: {ex.Message}");
    }
    catch (ServiceInvalidatedException ex)
    {
        Say("app", $"'{mailbox}' failed for good: {ex.GetType().Name} ({ex.InvalidationReason})");
    }
}

static void Say(string who, string text) => Console.WriteLine($"{DateTime.Now:HH:mm:ss.fff} [{who}] {text}");
