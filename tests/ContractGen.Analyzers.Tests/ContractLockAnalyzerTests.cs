using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static ContractGen.Analyzers.Tests.Verify;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// CGEN1011 and CGEN1012: the contracts of a compilation against a <c>ContractGen.lock.txt</c> passed as an additional
/// file. The recorded file is rendered from an earlier version of the contract (<see cref="LockOf"/>), as the code fix
/// or <c>dotnet build -p:ContractGenUpdateLock=true</c> would have written it; one test pins the file format itself.
/// </summary>
public sealed class ContractLockAnalyzerTests
{
    internal const string Usings = """
        using System.ComponentModel.DataAnnotations;
        using System.Threading;
        using System.Threading.Tasks;
        using ContractGen;

        namespace Example;

        """;

    /// <summary>The contract every test starts from, as recorded in the lock file.</summary>
    internal const string Clock = Usings + """
        [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
        public partial interface IClock
        {
            [AllowAnyLocalUser]
            Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

            [RequireRoot]
            Task ResetAsync(CancellationToken cancellationToken);

            [AllowAnyLocalUser]
            Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);
        }
        """;

    private const string ClockLockText = """
        # ContractGen contract lock: the wire shape and attack surface of each contract in this project.
        # Review changes to this file like code. After an intended change, rewrite it with the code fix offered
        # on CGEN1011/CGEN1012 ("Update ContractGen.lock.txt") or with: dotnet build -p:ContractGenUpdateLock=true

        contract com.example.clock
          context System
          method AddAsync(long,long):long
            callers any local user
            checks none
          method ResetAsync():void
            callers root
            checks none
          method ZoneAsync(string,int):string
            callers any local user
            check name: required, max length 64
            check precision: range 1..10

        """;

    [Fact]
    public void Lock_file_format_is_the_one_documented()
    {
        // The file users commit and reviewers read: a change here is a change of format (docs/versioning.md shows it).
        Assert.Equal(ClockLockText.ReplaceLineEndings("\n"), LockOf(Clock));
    }

    [Fact]
    public Task Unchanged_contract_is_silent()
        => LockAnalyzerAsync(Clock, ClockLockText);

    [Fact]
    public Task Declaration_order_and_comments_do_not_matter()
        => LockAnalyzerAsync(Usings + """
            /// <summary>The clock, reordered.</summary>
            [ServiceContract(Context = ServiceContext.System, Name = "com.example.clock")]
            public partial interface IClock
            {
                [AllowAnyLocalUser]
                Task<string> ZoneAsync([StringLength(64), Required] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);

                // Only root may reset.
                [RequireRoot]
                Task ResetAsync(CancellationToken cancellationToken);

                [AllowAnyLocalUser]
                Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);
            }
            """, LockOf(Clock));

    [Fact]
    public Task No_lock_file_is_silent()
        => new AnalyzerTest<ContractLockAnalyzer>(Clock + """

            [ServiceContract(Name = "com.example.timer")]
            public partial interface ITimer
            {
                [AllowAnyLocalUser]
                Task StartAsync(int seconds);
            }
            """).RunAsync();

    [Fact]
    public Task A_file_with_another_name_is_not_the_lock_file()
    {
        var test = new AnalyzerTest<ContractLockAnalyzer>(Clock);
        test.TestState.AdditionalFiles.Add(("ContractGen.lock.txt.bak", "contract com.example.gone\n  context System\n"));
        return test.RunAsync();
    }

    [Fact]
    public Task CGEN1011_method_removed_is_reported_at_the_contract()
        => LockAnalyzerAsync(Usings + """
            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface {|#0:IClock|}
            {
                [AllowAnyLocalUser]
                Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

                [AllowAnyLocalUser]
                Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);
            }
            """, LockOf(Clock),
            Diagnostic(DiagnosticDescriptors.ContractChangedFromLock).WithArguments(
                "method 'ResetAsync():void' of contract 'com.example.clock'",
                "the method was removed: clients built against the recorded contract get 'method not supported'"));

    [Fact]
    public Task CGEN1011_parameter_type_changed_is_reported_at_the_method()
        => LockAnalyzerAsync(Usings + """
            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface IClock
            {
                [AllowAnyLocalUser]
                Task<long> {|#0:AddAsync|}(int a, long b, CancellationToken cancellationToken = default);

                [RequireRoot]
                Task ResetAsync(CancellationToken cancellationToken);

                [AllowAnyLocalUser]
                Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);
            }
            """, LockOf(Clock),
            Diagnostic(DiagnosticDescriptors.ContractChangedFromLock).WithArguments(
                "method 'AddAsync(long,long):long' of contract 'com.example.clock'",
                "wire shape changed to 'AddAsync(int,long):long': clients built against the recorded contract get 'method not supported'"));

    [Fact]
    public Task CGEN1011_authorization_loosened_says_from_what_to_what()
        => LockAnalyzerAsync(Usings + """
            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface IClock
            {
                [AllowAnyLocalUser]
                Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

                [AllowAnyLocalUser]
                Task {|#0:ResetAsync|}(CancellationToken cancellationToken);

                [AllowAnyLocalUser]
                Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);
            }
            """, LockOf(Clock),
            Diagnostic(DiagnosticDescriptors.ContractChangedFromLock).WithArguments(
                "method 'ResetAsync():void' of contract 'com.example.clock'",
                "authorization loosened from 'root' to 'any local user'"));

    [Fact]
    public Task CGEN1011_authorization_tightened_is_a_change_too()
        => LockAnalyzerAsync(Usings + """
            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface IClock
            {
                [AllowCallers(Root = true, Groups = ["wheel"])]
                Task<long> {|#0:AddAsync|}(long a, long b, CancellationToken cancellationToken = default);

                [RequireRoot]
                Task ResetAsync(CancellationToken cancellationToken);

                [AllowAnyLocalUser]
                Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);
            }
            """, LockOf(Clock),
            Diagnostic(DiagnosticDescriptors.ContractChangedFromLock).WithArguments(
                "method 'AddAsync(long,long):long' of contract 'com.example.clock'",
                "authorization tightened from 'any local user' to 'root or group 'wheel''"));

    [Fact]
    public Task CGEN1011_validator_removed_and_bound_widened_are_named()
        => LockAnalyzerAsync(Usings + """
            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface IClock
            {
                [AllowAnyLocalUser]
                Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

                [RequireRoot]
                Task ResetAsync(CancellationToken cancellationToken);

                [AllowAnyLocalUser]
                Task<string> {|#0:ZoneAsync|}([Required, StringLength(4096)] string name, int precision, CancellationToken cancellationToken);
            }
            """, LockOf(Clock),
            Diagnostic(DiagnosticDescriptors.ContractChangedFromLock).WithArguments(
                "method 'ZoneAsync(string,int):string' of contract 'com.example.clock'",
                "validation of 'name' changed from 'required, max length 64' to 'required, max length 4096'; "
                + "validation of 'precision' removed (was 'range 1..10')"));

    [Fact]
    public Task CGEN1011_one_way_and_context_changes_are_reported()
        => LockAnalyzerAsync(Usings + """
            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.User)]
            public partial interface {|#0:IClock|}
            {
                [AllowAnyLocalUser]
                Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

                [RequireRoot, OneWay]
                Task {|#1:ResetAsync|}(CancellationToken cancellationToken);

                [AllowAnyLocalUser]
                Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);
            }
            """, LockOf(Clock),
            Diagnostic(DiagnosticDescriptors.ContractChangedFromLock, 0).WithArguments(
                "contract 'com.example.clock'", "context changed from 'System' to 'User'"),
            Diagnostic(DiagnosticDescriptors.ContractChangedFromLock, 1).WithArguments(
                "method 'ResetAsync():void' of contract 'com.example.clock'", "now one-way (callers no longer get a reply or an error)"));

    [Fact]
    public Task CGEN1011_contract_removed_is_reported_in_the_lock_file()
    {
        var test = new AnalyzerTest<ContractLockAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.timer")]
            public partial interface ITimer
            {
                [AllowAnyLocalUser]
                Task StartAsync(int seconds);
            }
            """);
        var recorded = LockOf(Clock + """

            [ServiceContract(Name = "com.example.timer")]
            public partial interface ITimer
            {
                [AllowAnyLocalUser]
                Task StartAsync(int seconds);
            }
            """);
        test.TestState.AdditionalFiles.Add((ContractLock.FileName, recorded.Replace("contract com.example.clock", "{|#0:contract com.example.clock|}", StringComparison.Ordinal)));
        test.ExpectedDiagnostics.Add(Diagnostic(DiagnosticDescriptors.ContractChangedFromLock).WithArguments(
            "contract 'com.example.clock'",
            "no contract in the project has this name any more, so it was removed or renamed: clients built against the recorded contract get 'method not supported'"));
        return test.RunAsync();
    }

    [Fact]
    public Task CGEN1012_method_added()
        => LockAnalyzerAsync(Clock.Replace("""
                [RequireRoot]
                Task ResetAsync(CancellationToken cancellationToken);
            """, """
                [RequireRoot]
                Task ResetAsync(CancellationToken cancellationToken);

                [RequireRoot]
                Task {|#0:SetAsync|}(long ticks, CancellationToken cancellationToken);
            """, StringComparison.Ordinal), LockOf(Clock),
            Diagnostic(DiagnosticDescriptors.ContractNotInLock).WithArguments("method 'SetAsync(long):void' of contract 'com.example.clock'"));

    [Fact]
    public Task CGEN1012_contract_added()
        => LockAnalyzerAsync(Clock + """

            [ServiceContract(Name = "com.example.timer")]
            public partial interface {|CGEN1012:ITimer|}
            {
                [AllowAnyLocalUser]
                Task StartAsync(int seconds);
            }
            """, LockOf(Clock));

    [Fact]
    public Task CGEN1011_and_CGEN1012_markup_pins_both_ids()
        => LockAnalyzerAsync(Usings + """
            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface {|CGEN1011:IClock|}
            {
                [AllowAnyLocalUser]
                Task<long> {|CGEN1012:MultiplyAsync|}(long a, long b, CancellationToken cancellationToken = default);

                [AllowAnyLocalUser]
                Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);
            }
            """, LockOf(Usings + """
            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface IClock
            {
                [AllowAnyLocalUser]
                Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

                [AllowAnyLocalUser]
                Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);
            }
            """));

    [Fact]
    public Task Invalid_contract_is_left_to_its_structural_diagnostic()
    {
        // ResetAsync returns void: CGEN1004 (another analyzer) says so; the lock file is compared once the contract is valid,
        // so its entry is neither "removed" nor its methods "changed".
        var test = new AnalyzerTest<ContractLockAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface IClock
            {
                [AllowAnyLocalUser]
                Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

                [RequireRoot]
                void ResetAsync();
            }
            """);
        test.TestState.AdditionalFiles.Add((ContractLock.FileName, LockOf(Clock)));
        return test.RunAsync();
    }

    [Fact]
    public Task Inherited_methods_are_reported_where_they_are_declared()
        => LockAnalyzerAsync(Usings + """
            public partial interface IReset
            {
                [AllowAnyLocalUser]
                Task {|#0:ResetAsync|}(CancellationToken cancellationToken);
            }

            [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
            public partial interface IClock : IReset
            {
                [AllowAnyLocalUser]
                Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

                [AllowAnyLocalUser]
                Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);
            }
            """, LockOf(Clock),
            Diagnostic(DiagnosticDescriptors.ContractChangedFromLock).WithArguments(
                "method 'ResetAsync():void' of contract 'com.example.clock'",
                "authorization loosened from 'root' to 'any local user'"));

    /// <summary>The lock file for <paramref name="source"/>, written by the same renderer as the fix and the command.</summary>
    [Fact]
    public void The_lock_records_the_checks_of_union_cases()
    {
        // A union's cases are what the daemon receives: loosening a case's bound is a change reviewers must see.
        var text = LockOf("using MemoryPack;\n" + Usings + """
            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Circle))]
            [MemoryPackUnion(1, typeof(Label))]
            public abstract partial class Shape
            {
            }

            [MemoryPackable]
            public sealed partial class Circle : Shape
            {
                public double Radius { get; set; }
            }

            [MemoryPackable]
            public sealed partial class Label : Shape
            {
                [StringLength(32)]
                public string Text { get; set; } = "";
            }

            [ServiceContract(Name = "com.example.drawing", Context = ServiceContext.System)]
            [AllowAnyLocalUser]
            public partial interface IDrawing
            {
                Task DrawAsync(Shape shape, CancellationToken cancellationToken = default);
            }
            """);
        Assert.Contains("    check shape(as Label).Text: not null, max length 32\n", text, StringComparison.Ordinal);
    }

    internal static string LockOf(string source)
    {
        var compilation = TestReferences.CreateCompilation([source]);
        return ContractCatalog.RenderLock(compilation, CancellationToken.None)
            ?? throw new InvalidOperationException("The test contract is invalid.");
    }

    private static Task LockAnalyzerAsync(string source, string lockText, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<ContractLockAnalyzer>(source, expected);
        test.TestState.AdditionalFiles.Add((ContractLock.FileName, lockText));
        return test.RunAsync();
    }
}
