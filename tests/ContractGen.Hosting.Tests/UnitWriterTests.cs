using System.Diagnostics;
using System.Text;
using ContractGen.Hosting.Tests.Infrastructure;
using ContractGen.Tool;
using ContractGen.Transports;

namespace ContractGen.Hosting.Tests;

/// <summary>
/// <c>contractgen units</c>: the systemd units and launchd property list it writes, compared with checked-in expected
/// files under <c>Snapshots/Units</c> (rewrite them with <c>CONTRACTGEN_UPDATE_SNAPSHOTS=1</c>), checked line by line
/// for what matters, and verified by <c>systemd-analyze verify</c> where it is installed.
/// </summary>
public sealed class UnitWriterTests : IDisposable
{
    private static readonly ServiceUnitSettings SystemDaemon = new()
    {
        Name = "com.example.clock",
        Executable = "/usr/local/bin/clockd",
        IdleExit = TimeSpan.FromSeconds(60),
    };

    private static readonly ServiceUnitSettings UserAgent = new()
    {
        Name = "com.example.clock-agent",
        Executable = "/usr/local/bin/clock-agent",
        Arguments = ["--verbose", "two words"],
        User = true,
        Watchdog = TimeSpan.FromSeconds(30),
    };

    private readonly string _directory = TestPaths.CreateTempDirectory();

    public void Dispose() => TestPaths.DeleteDirectory(_directory);

    [Theory]
    [InlineData("system")]
    [InlineData("user")]
    public void The_written_files_match_the_expected_files(string kind)
    {
        var files = ServiceUnitWriter.Generate(kind == "system" ? SystemDaemon : UserAgent);
        Assert.Equal(3, files.Count);
        var directory = Path.Combine(TestPaths.ProjectDirectory, "Snapshots", "Units", kind);
        var update = Environment.GetEnvironmentVariable("CONTRACTGEN_UPDATE_SNAPSHOTS") == "1";
        foreach (var file in files)
        {
            var path = Path.Combine(directory, file.FileName);
            if (update)
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(path, file.Content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                continue;
            }

            Assert.True(File.Exists(path), $"No expected file {path}; run with CONTRACTGEN_UPDATE_SNAPSHOTS=1 to write it, then review it.");
            var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
            if (expected != file.Content)
            {
                Assert.Fail($"{file.FileName} differs from {path} (update with CONTRACTGEN_UPDATE_SNAPSHOTS=1 if intended):\n{FirstDifference(expected, file.Content)}");
            }
        }
    }

    [Fact]
    public void The_system_units_start_a_notify_service_from_a_socket_at_the_daemon_location()
    {
        var socket = Lines(ServiceUnitWriter.WriteSocket(SystemDaemon));
        Assert.Contains("ListenStream=" + ServiceLocations.GetSocketPath("com.example.clock", ServiceContext.System), socket);
        Assert.Contains("FileDescriptorName=com.example.clock", socket);
        Assert.Contains("SocketMode=0666", socket);
        Assert.Contains("WantedBy=sockets.target", socket);

        var service = Lines(ServiceUnitWriter.WriteService(SystemDaemon));
        Assert.Contains("Type=notify", service);
        Assert.Contains("ExecStart=/usr/local/bin/clockd", service);
        Assert.Contains("Requires=com.example.clock.socket", service);
        Assert.Contains("Environment=CONTRACTGEN_IDLE_TIMEOUT=60", service);
        Assert.Contains("Restart=on-failure", service);
        Assert.Contains("RuntimeDirectory=com.example.clock", service);
        Assert.Contains("RuntimeDirectoryPreserve=yes", service);
        Assert.Contains("NoNewPrivileges=yes", service);
        Assert.Contains("ProtectSystem=strict", service);
        Assert.Contains("PrivateTmp=yes", service);

        // Debian 12's systemd 252 does not know RestartSteps=; a JIT-compiled process dies under MemoryDenyWriteExecute=yes.
        Assert.DoesNotContain(service, l => l.StartsWith("RestartSteps=", StringComparison.Ordinal));
        Assert.DoesNotContain(service, l => l.StartsWith("MemoryDenyWriteExecute=", StringComparison.Ordinal));

        // On demand: only the socket is enabled; the service is not started at boot.
        Assert.DoesNotContain(service, l => l.StartsWith("WantedBy=", StringComparison.Ordinal));
        Assert.Contains("Also=com.example.clock.socket", service);
    }

    [Fact]
    public void A_user_agent_listens_in_the_runtime_directory_private_to_its_user()
    {
        var socket = Lines(ServiceUnitWriter.WriteSocket(UserAgent));
        Assert.Contains("ListenStream=%t/com.example.clock-agent.sock", socket);
        Assert.Contains("SocketMode=0600", socket);

        var service = Lines(ServiceUnitWriter.WriteService(UserAgent));
        Assert.Contains("ExecStart=/usr/local/bin/clock-agent --verbose \"two words\"", service);
        Assert.Contains("WatchdogSec=30s", service);
        Assert.Contains("WantedBy=default.target", service);
        Assert.DoesNotContain(service, l => l.StartsWith("RuntimeDirectory=", StringComparison.Ordinal));
        Assert.DoesNotContain(service, l => l.StartsWith("ProtectSystem=", StringComparison.Ordinal));
        Assert.DoesNotContain(service, l => l.StartsWith("Environment=CONTRACTGEN_IDLE_TIMEOUT", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_a_NativeAOT_build_gets_MemoryDenyWriteExecute()
    {
        var service = Lines(ServiceUnitWriter.WriteService(SystemDaemon with { NativeAot = true, RunAs = "clockd" }));
        Assert.Contains("MemoryDenyWriteExecute=yes", service);
        Assert.Contains("User=clockd", service);
    }

    [Fact]
    public void The_launchd_plist_names_the_program_and_relaunches_it_after_a_crash()
    {
        var plist = ServiceUnitWriter.WriteLaunchdPlist(UserAgent with { Arguments = ["<&>"] });
        var document = System.Xml.Linq.XDocument.Parse(plist);
        var values = document.Root!.Element("dict")!.Elements().ToList();
        string Value(string key) => values[values.FindIndex(e => e.Name == "key" && e.Value == key) + 1].ToString(System.Xml.Linq.SaveOptions.DisableFormatting);

        Assert.Equal("<string>com.example.clock-agent</string>", Value("Label"));
        Assert.Equal("<array><string>/usr/local/bin/clock-agent</string><string>&lt;&amp;&gt;</string></array>",
            Value("ProgramArguments").Replace("\n", "", StringComparison.Ordinal).Replace("\t", "", StringComparison.Ordinal));
        Assert.Equal("<true />", Value("RunAtLoad"));
        Assert.Contains("<key>SuccessfulExit</key>", Value("KeepAlive").Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("two words", "\"two words\"")]
    [InlineData("100%", "100%%")]
    [InlineData("$HOME", "$$HOME")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("", "\"\"")]
    public void ExecStart_words_are_quoted_so_systemd_passes_them_unchanged(string word, string expected)
        => Assert.Equal(expected, ServiceUnitWriter.QuoteExecArgument(word));

    [Theory]
    [InlineData("relative/clockd", "com.example.clock", "must be an absolute path")]
    [InlineData("/usr/bin/clockd", "bad name", "cannot name a socket file")]
    public void Settings_that_cannot_make_a_unit_are_refused_with_the_option_to_fix(string exec, string name, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ServiceUnitWriter.Generate(new ServiceUnitSettings { Name = name, Executable = exec }));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_writes_the_three_files_and_says_how_to_install_them()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Program.Run(["units", "--name", "com.example.clock", "--exec", "/usr/local/bin/clockd", "--idle-exit", "60", "--output", _directory], output, error);

        Assert.True(code == 0, error.ToString());
        foreach (var file in ServiceUnitWriter.Generate(SystemDaemon))
        {
            Assert.Equal(file.Content, File.ReadAllText(Path.Combine(_directory, file.FileName)));
        }

        Assert.Contains("sudo systemctl enable --now com.example.clock.socket", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_refuses_bad_options_with_an_error()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.NotEqual(0, Program.Run(["units", "--exec", "/usr/local/bin/clockd"], output, error));
        Assert.Contains("--name", error.ToString(), StringComparison.Ordinal);

        error = new StringWriter();
        Assert.NotEqual(0, Program.Run(["units", "--name", "com.example.clock", "--exec", "clockd", "--output", _directory], output, error));
        Assert.Contains("must be an absolute path", error.ToString(), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task systemd_analyze_verify_accepts_the_units_without_a_warning(bool user)
    {
        const string Analyzer = "/usr/bin/systemd-analyze";
        Skip.IfNot(File.Exists(Analyzer), $"{Analyzer} is not installed (package systemd).");

        // verify checks that ExecStart= exists, so point it at a real program.
        var settings = (user ? UserAgent : SystemDaemon) with { Executable = "/usr/bin/sleep", Arguments = ["infinity"] };
        ServiceUnitWriter.WriteFiles(settings, _directory);

        var info = new ProcessStartInfo(Analyzer) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _directory };
        if (user)
        {
            // A user manager needs a runtime directory even to verify.
            info.ArgumentList.Add("--user");
            info.Environment["XDG_RUNTIME_DIR"] = Directory.CreateDirectory(Path.Combine(_directory, "runtime"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName;
        }

        info.ArgumentList.Add("verify");
        info.ArgumentList.Add($"./{settings.Name}.socket");
        info.ArgumentList.Add($"./{settings.Name}.service");
        using var verify = Process.Start(info)!;
        var stdout = verify.StandardOutput.ReadToEndAsync();
        var stderr = verify.StandardError.ReadToEndAsync();
        await verify.WaitForExitAsync().WaitAsync(ChildProcess.Patience);
        var said = (await stdout + await stderr).Trim();

        // verify exits 0 even for unknown keys; any line it prints is a problem in the units.
        Assert.True(verify.ExitCode == 0 && said.Length == 0, $"systemd-analyze verify (exit {verify.ExitCode}):\n{said}");
    }

    private static string[] Lines(string text) => text.Split('\n');

    private static string FirstDifference(string expected, string actual)
    {
        var e = Lines(expected);
        var a = Lines(actual);
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var left = i < e.Length ? e[i] : "<end of file>";
            var right = i < a.Length ? a[i] : "<end of file>";
            if (left != right)
            {
                return $"line {i + 1}:\n  expected: {left}\n  actual:   {right}";
            }
        }

        return "(line endings or trailing text)";
    }
}
