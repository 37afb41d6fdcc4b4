using System.Diagnostics;
using ContractGen.Hosting.Tests.Infrastructure;
using ContractGen.Tool;

namespace ContractGen.Hosting.Tests;

/// <summary>
/// Recording contracts in <c>ContractGen.lock.txt</c> from the command line: <c>contractgen lock</c> in-process, and the
/// documented one-liner <c>dotnet build -p:ContractGenUpdateLock=true</c> on a real project that imports
/// build/ContractGen.Consumer.props, followed by the build error the analyzer then reports for a loosened rule.
/// </summary>
public sealed class LockCommandTests : IDisposable
{
    private const string Contract = """
        using System.ComponentModel.DataAnnotations;
        using System.Threading;
        using System.Threading.Tasks;
        using ContractGen;

        namespace LockSample;

        [ServiceContract(Name = "com.example.locksample", Context = ServiceContext.System)]
        public partial interface IClock
        {
            [RequireRoot]
            Task ResetAsync(CancellationToken cancellationToken);

            [AllowAnyLocalUser]
            Task<string?> ZoneAsync([StringLength(64)] string name, CancellationToken cancellationToken);
        }
        """;

    private const string Recorded = """
        # ContractGen contract lock: the wire shape and attack surface of each contract in this project.
        # Review changes to this file like code. After an intended change, rewrite it with the code fix offered
        # on CGEN1011/CGEN1012 ("Update ContractGen.lock.txt") or with: dotnet build -p:ContractGenUpdateLock=true

        contract com.example.locksample
          context System
          method ResetAsync():void
            callers root
            checks none
          method ZoneAsync(string):string
            callers any local user
            check name: max length 64

        """;

    private readonly string _directory = TestPaths.CreateTempDirectory();

    public void Dispose() => TestPaths.DeleteDirectory(_directory);

    [Fact]
    public void Lock_writes_the_file_and_then_finds_it_up_to_date()
    {
        var source = Path.Combine(_directory, "IClock.cs");
        File.WriteAllText(source, Contract);
        var lockFile = Path.Combine(_directory, "ContractGen.lock.txt");

        var (code, output, error) = RunLock(lockFile, source);
        Assert.True(code == 0, error);
        Assert.Contains($"Wrote {lockFile}", output, StringComparison.Ordinal);
        Assert.Equal(Recorded.ReplaceLineEndings("\n"), File.ReadAllText(lockFile));

        (code, output, error) = RunLock(lockFile, source);
        Assert.True(code == 0, error);
        Assert.Contains($"{lockFile} is up to date.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Lock_leaves_the_file_alone_when_a_contract_is_invalid()
    {
        var source = Path.Combine(_directory, "IClock.cs");
        File.WriteAllText(source, Contract.Replace("Task ResetAsync(CancellationToken cancellationToken);", "void ResetAsync();", StringComparison.Ordinal));
        var lockFile = Path.Combine(_directory, "ContractGen.lock.txt");
        File.WriteAllText(lockFile, Recorded);

        var (code, _, error) = RunLock(lockFile, source);
        Assert.Equal(1, code);
        Assert.Contains("a contract breaks a rule of ContractGen", error, StringComparison.Ordinal);
        Assert.Contains("was not changed", error, StringComparison.Ordinal);
        Assert.Equal(Recorded, File.ReadAllText(lockFile));
    }

    [Fact]
    public void Lock_writes_no_file_for_a_project_without_contracts()
    {
        var source = Path.Combine(_directory, "Client.cs");
        File.WriteAllText(source, "namespace LockSample; public static class Client { }");
        var lockFile = Path.Combine(_directory, "ContractGen.lock.txt");

        var (code, output, error) = RunLock(lockFile, source);
        Assert.True(code == 0, error);
        Assert.Contains("No contracts in this project", output, StringComparison.Ordinal);
        Assert.False(File.Exists(lockFile));
    }

    [Fact]
    public void Lock_reports_a_missing_source_file()
    {
        var (code, _, error) = RunLock(Path.Combine(_directory, "ContractGen.lock.txt"), Path.Combine(_directory, "Missing.cs"));
        Assert.NotEqual(0, code);
        Assert.Contains("Missing.cs", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "ContractGen.lock.txt")));
    }

    [Fact]
    public async Task Build_with_ContractGenUpdateLock_records_the_contracts_and_a_loosened_rule_then_fails_the_build()
    {
        // Inside the repository (under this test's output directory, which git ignores), so that the project finds
        // Directory.Packages.props and builds against the repository's ContractGen, as samples/Clock does.
        var project = Path.Combine(AppContext.BaseDirectory, "lock-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(project);
        try
        {
            var consumerProps = Path.GetFullPath(Path.Combine(TestPaths.ProjectDirectory, "..", "..", "build", "ContractGen.Consumer.props"));
            File.WriteAllText(Path.Combine(project, "LockSample.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                  </PropertyGroup>
                  <Import Project="{consumerProps}" />
                </Project>
                """);
            File.WriteAllText(Path.Combine(project, "IClock.cs"), Contract);
            var lockFile = Path.Combine(project, "ContractGen.lock.txt");

            // No lock file yet: the one-liner creates it, and the compilation that follows accepts what it wrote.
            var (code, output) = await BuildAsync(project, "-p:ContractGenUpdateLock=true");
            Assert.True(code == 0, output);
            Assert.DoesNotContain("CGEN", output, StringComparison.Ordinal);
            Assert.Equal(Recorded.ReplaceLineEndings("\n"), File.ReadAllText(lockFile));

            // A rule loosened without updating the file: an ordinary build passes the file to the analyzer and fails.
            File.WriteAllText(Path.Combine(project, "IClock.cs"), Contract.Replace("[RequireRoot]", "[AllowAnyLocalUser]", StringComparison.Ordinal));
            (code, output) = await BuildAsync(project);
            Assert.NotEqual(0, code);
            Assert.Contains("error CGEN1011", output, StringComparison.Ordinal);
            Assert.Contains("'ResetAsync():void' of contract 'com.example.locksample'", output, StringComparison.Ordinal);
            Assert.Contains("authorization loosened from 'root' to 'any local user'", output, StringComparison.Ordinal);
            Assert.Equal(Recorded.ReplaceLineEndings("\n"), File.ReadAllText(lockFile));
        }
        finally
        {
            TestPaths.DeleteDirectory(project);
        }
    }

    private static (int Code, string Output, string Error) RunLock(string lockFile, string source)
    {
        // The references a net10.0 project compiles against, near enough: the running framework and ContractGen.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
            .SelectMany(p => new[] { "--reference", p });
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Program.Run(["lock", "--output", lockFile, .. references, source], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>dotnet build</c> on <paramref name="project"/> with no build servers left behind.</summary>
    private static async Task<(int Code, string Output)> BuildAsync(string project, params string[] arguments)
    {
        var info = new ProcessStartInfo(TestPaths.DotnetHost)
        {
            WorkingDirectory = project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["build", "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-clp:NoSummary", .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        // The test runner's own MSBuild settings must not steer this build.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            info.Environment.Remove(variable);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build {string.Join(' ', arguments)} did not finish in 10 minutes:\n{await stdout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
