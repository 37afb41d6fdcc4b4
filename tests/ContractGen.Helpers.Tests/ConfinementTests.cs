using System.Diagnostics;
using System.Globalization;
using ContractGen.Helpers.Tests.Infrastructure;
using ContractGen.Helpers.TestHelper;
using Xunit.Abstractions;

namespace ContractGen.Helpers.Tests;

/// <summary>Fewer privileges for the helper: environment allow-list, working directory, resource limits, another user.</summary>
public sealed class ConfinementTests(ITestOutputHelper output)
{
    private const string HelperUser = "cgen-helper";

    [Fact]
    public async Task The_helper_gets_an_allow_listed_environment_its_own_working_directory_and_resource_limits()
    {
        // A secret in the application's environment must not reach the helper.
        Environment.SetEnvironmentVariable("CONTRACTGEN_TEST_SECRET", "do not pass on");
        var directory = Directory.CreateTempSubdirectory("cgh-cwd-").FullName;
        try
        {
            var options = Probe.Options();
            options.Environment["PROBE_VALUE"] = "42";
            options.WorkingDirectory = directory;
            options.ResourceLimits.OpenFiles = 200;
            options.NoNewPrivileges = true;
            await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));

            var facts = await helper.Proxy.GetFactsAsync().AsTask().WaitAsync(Probe.Bound);

            Assert.DoesNotContain("CONTRACTGEN_TEST_SECRET", facts.EnvironmentNames);
            Assert.Equal("42", facts.ProbeValue);
            Assert.All(facts.EnvironmentNames, name => Assert.True(name == "PROBE_VALUE" || options.InheritedEnvironmentVariables.Contains(name), $"unexpected variable {name}"));
            Assert.Equal(directory, facts.WorkingDirectory);
            Assert.Equal(200, facts.OpenFilesLimit);
            Assert.Equal(0, facts.CoreFileLimit);
            Assert.True(facts.NoNewPrivileges);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CONTRACTGEN_TEST_SECRET", null);
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Without_options_the_helper_runs_in_the_root_directory_without_no_new_privs()
    {
        await using var helper = ServiceHelper.Create<IHelperProbe>(Probe.Options(), new TestLoggerFactory(output));
        var facts = await helper.Proxy.GetFactsAsync().AsTask().WaitAsync(Probe.Bound);
        Assert.Equal("/", facts.WorkingDirectory);
        Assert.False(facts.NoNewPrivileges);
        Assert.Null(facts.ProbeValue);
    }

    [Fact]
    public async Task An_unknown_user_invalidates_the_connection()
    {
        var options = Probe.Options();
        options.UserName = "cgen-no-such-user";
        await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));
        var error = await Assert.ThrowsAsync<ServiceInvalidatedException>(() => helper.Proxy.EchoAsync("x").AsTask().WaitAsync(Probe.Bound));
        Assert.Equal(ServiceInvalidationReason.LaunchFailed, error.InvalidationReason);
        Assert.Contains("'cgen-no-such-user', which does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, helper.LaunchCount);
    }

    [SkippableFact]
    public async Task A_root_application_runs_its_helper_as_another_user()
    {
        Skip.IfNot(Probe.IsRoot, "needs root on Linux: only root may start the helper as another user (and useradd the test user)");
        var (uid, gid) = EnsureUser(HelperUser);
        var options = Probe.Options();
        options.UserName = HelperUser;
        await using var helper = ServiceHelper.Create<IHelperProbe>(options, new TestLoggerFactory(output));

        var facts = await helper.Proxy.GetFactsAsync().AsTask().WaitAsync(Probe.Bound);

        Assert.Equal(uid, facts.UserId);
        Assert.Equal(gid, facts.GroupId);
        Assert.Equal(uid, helper.HelperCredentials!.UserId);
        Assert.Equal(Environment.ProcessId, facts.ParentProcessId);
        Assert.True(facts.NoNewPrivileges);

        // Crash and relaunch work the same for a helper of another user.
        await Assert.ThrowsAsync<ServiceInterruptedException>(() => helper.Proxy.CrashAsync(CrashKind.FailFast, 0).AsTask().WaitAsync(Probe.Bound));
        Assert.Equal(uid, (await helper.Proxy.GetFactsAsync().AsTask().WaitAsync(Probe.Bound)).UserId);
    }

    [SkippableFact]
    public async Task An_application_that_is_not_root_cannot_run_its_helper_as_another_user()
    {
        Skip.IfNot(Probe.IsRoot, "needs root on Linux to run the application as an unprivileged test user (setpriv)");
        EnsureUser(HelperUser);

        // The application itself runs as the unprivileged user and asks for root.
        var (exitCode, text) = await Probe.RunAsync(HelperUser, "app-run-as", "root");
        Assert.Equal(0, exitCode);
        Assert.StartsWith("invalidated LaunchFailed:", text, StringComparison.Ordinal);
        Assert.Contains("only root can start a process as another user", text, StringComparison.Ordinal);
    }

    private static (uint Uid, uint Gid) EnsureUser(string name)
    {
        if (Run("id", "-u", name).ExitCode != 0)
        {
            var (code, text) = Run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name);
            Assert.True(code == 0 || Run("id", "-u", name).ExitCode == 0, $"useradd {name} failed: {text}");
        }

        return (uint.Parse(Run("id", "-u", name).Output, CultureInfo.InvariantCulture), uint.Parse(Run("id", "-g", name).Output, CultureInfo.InvariantCulture));
    }

    private static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, text.Trim());
    }
}
