using System.Collections.Immutable;
using System.Reflection;
using ContractGen.CodeAnalysis;
using ContractGen.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using static ContractGen.Analyzers.Tests.ContractLockAnalyzerTests;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// The fix for CGEN1011/CGEN1012 rewrites <c>ContractGen.lock.txt</c>. The testing framework applies it one diagnostic at
/// a time and through Fix All in document, project and solution, compares the lock file with the expected one, and
/// checks that the analyzer is silent afterwards. The expected file is the renderer's output for the new contracts.
/// </summary>
public sealed class UpdateContractLockCodeFixTests
{
    private const string Loosened = Usings + """
        [ServiceContract(Name = "com.example.clock", Context = ServiceContext.System)]
        public partial interface IClock
        {
            [AllowAnyLocalUser]
            Task<long> AddAsync(long a, long b, CancellationToken cancellationToken = default);

            [AllowAnyLocalUser]
            Task {|CGEN1011:ResetAsync|}(CancellationToken cancellationToken);

            [AllowAnyLocalUser]
            Task<string> ZoneAsync([Required, StringLength(64)] string name, [Range(1, 10)] int precision, CancellationToken cancellationToken);

            [AllowAnyLocalUser]
            Task<long> {|CGEN1012:NowAsync|}(CancellationToken cancellationToken);
        }
        """;

    [Fact]
    public async Task Fix_writes_what_the_renderer_writes_and_silences_the_analyzer()
    {
        var fixedSource = StripMarkup(Loosened);
        var test = new LockCodeFixTest { TestCode = Loosened, FixedCode = fixedSource };
        test.TestState.AdditionalFiles.Add((ContractLock.FileName, LockOf(Clock)));
        test.FixedState.AdditionalFiles.Add((ContractLock.FileName, LockOf(fixedSource)));
        await test.RunAsync();

        // The recorded entry now says what a reviewer has to approve.
        Assert.Contains("  method ResetAsync():void\n    callers any local user\n", LockOf(fixedSource), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fix_is_offered_in_the_lock_file_for_a_removed_contract()
    {
        // The testing framework applies fixes to diagnostics in C# documents only, so this one runs the steps the IDE
        // runs for a diagnostic in an additional document: analyze, ask the provider with that TextDocument, apply.
        const string timerBody = """
            [ServiceContract(Name = "com.example.timer")]
            public partial interface ITimer
            {
                [AllowAnyLocalUser]
                Task StartAsync(int seconds);
            }
            """;
        const string timer = Usings + timerBody;
        using var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "Contracts", "Contracts", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: TestReferences.ParseOptions,
            metadataReferences: TestReferences.All));
        project = project.AddDocument("Timer.cs", timer, filePath: "/src/Timer.cs").Project;
        var lockDocument = project.AddAdditionalDocument(ContractLock.FileName, SourceText.From(LockOf(Clock + "\n" + timerBody)), filePath: "/src/ContractGen.lock.txt");
        project = lockDocument.Project;

        var compilation = await project.GetCompilationAsync();
        var diagnostics = await compilation!.WithAnalyzers([new ContractLockAnalyzer()], project.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("CGEN1011", diagnostic.Id);
        Assert.Equal("/src/ContractGen.lock.txt", diagnostic.Location.GetLineSpan().Path);

        var actions = new List<CodeAction>();
        await new UpdateContractLockCodeFix().RegisterCodeFixesAsync(
            ContextFor(lockDocument, diagnostic, (action, _) => actions.Add(action)));
        var fix = Assert.Single(actions);
        Assert.Equal("Update ContractGen.lock.txt", fix.Title);
        Assert.Equal(UpdateContractLockCodeFix.EquivalenceKey, fix.EquivalenceKey);
        var operations = await fix.GetOperationsAsync(CancellationToken.None);
        var changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        var text = await changed.GetAdditionalDocument(lockDocument.Id)!.GetTextAsync();
        Assert.Equal(LockOf(timer), text.ToString());

        // And with the file rewritten, the analyzer has nothing left to say.
        var fixedProject = changed.GetProject(project.Id)!;
        var after = await (await fixedProject.GetCompilationAsync())!.WithAnalyzers([new ContractLockAnalyzer()], fixedProject.AnalyzerOptions).GetAnalyzerDiagnosticsAsync();
        Assert.Empty(after);
    }

    [Fact]
    public async Task Fix_all_rewrites_the_file_once_for_diagnostics_in_several_documents()
    {
        const string timerBody = """
            [ServiceContract(Name = "com.example.timer", Context = ServiceContext.User)]
            public partial interface {|CGEN1012:ITimer|}
            {
                Task StartAsync(int seconds);
            }
            """;
        const string timer = Usings + timerBody;
        var test = new LockCodeFixTest
        {
            // One application fixes every diagnostic of the project: one pass, whichever diagnostic or scope is chosen.
            NumberOfIncrementalIterations = 1,
            NumberOfFixAllIterations = 1,
            NumberOfFixAllInDocumentIterations = 1,
        };
        test.TestState.Sources.Add(("Clock.cs", Loosened));
        test.TestState.Sources.Add(("Timer.cs", timer));
        test.TestState.AdditionalFiles.Add((ContractLock.FileName, LockOf(Clock)));
        test.FixedState.Sources.Add(("Clock.cs", StripMarkup(Loosened)));
        test.FixedState.Sources.Add(("Timer.cs", StripMarkup(timer)));
        test.FixedState.AdditionalFiles.Add((ContractLock.FileName, LockOf(StripMarkup(Loosened) + "\n" + StripMarkup(timerBody))));
        await test.RunAsync();
    }

    [Fact]
    public async Task Fix_all_in_solution_rewrites_the_lock_file_of_every_project()
    {
        const string timerBody = """
            [ServiceContract(Name = "com.example.timer")]
            public partial interface ITimer
            {
                [AllowAnyLocalUser]
                Task StartAsync(int seconds);

                [AllowAnyLocalUser]
                Task {|CGEN1012:StopAsync|}();
            }
            """;
        var test = new LockCodeFixTest
        {
            // Per document or per project, each pass updates one project's file; in the solution, both at once.
            NumberOfIncrementalIterations = 2,
            NumberOfFixAllInDocumentIterations = 2,
            NumberOfFixAllInProjectIterations = 2,
            NumberOfFixAllIterations = 1,
        };
        test.TestState.Sources.Add(("Clock.cs", Loosened));
        test.TestState.AdditionalFiles.Add((ContractLock.FileName, LockOf(Clock)));
        var timers = test.TestState.AdditionalProjects["Timers"];
        timers.Sources.Add(("Timer.cs", Usings + timerBody));
        timers.AdditionalReferences.AddRange(TestReferences.All);
        timers.AdditionalFiles.Add((ContractLock.FileName, LockOf(Usings + timerBody.Replace("""

                [AllowAnyLocalUser]
                Task {|CGEN1012:StopAsync|}();
            """, "", StringComparison.Ordinal))));

        test.FixedState.Sources.Add(("Clock.cs", StripMarkup(Loosened)));
        test.FixedState.AdditionalFiles.Add((ContractLock.FileName, LockOf(StripMarkup(Loosened))));
        var fixedTimers = test.FixedState.AdditionalProjects["Timers"];
        fixedTimers.Sources.Add(("Timer.cs", StripMarkup(Usings + timerBody)));
        fixedTimers.AdditionalReferences.AddRange(TestReferences.All);
        fixedTimers.AdditionalFiles.Add((ContractLock.FileName, LockOf(StripMarkup(Usings + timerBody))));
        await test.RunAsync();
    }

    [Fact]
    public void Fix_is_registered_for_both_ids_with_a_stable_key_and_every_fix_all_scope()
    {
        var fix = new UpdateContractLockCodeFix();
        Assert.Equal(["CGEN1011", "CGEN1012"], fix.FixableDiagnosticIds.Order(StringComparer.Ordinal));
        Assert.Equal("ContractGen.UpdateContractLock", UpdateContractLockCodeFix.EquivalenceKey);
        Assert.Equal([FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution], fix.GetFixAllProvider().GetSupportedFixAllScopes());
    }

    /// <summary>
    /// A fix context for a diagnostic in an additional document, as the IDE creates it. Roslyn keeps that constructor
    /// internal (only its own hosts offer fixes in non-C# files), so the test reaches it by reflection.
    /// </summary>
    private static CodeFixContext ContextFor(TextDocument document, Diagnostic diagnostic, Action<CodeAction, ImmutableArray<Diagnostic>> register)
    {
        var constructor = typeof(CodeFixContext).GetConstructor(
            BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null,
            [typeof(TextDocument), typeof(Diagnostic), typeof(Action<CodeAction, ImmutableArray<Diagnostic>>), typeof(CancellationToken)], null)
            ?? throw new InvalidOperationException("This Roslyn has no CodeFixContext for a TextDocument.");
        return (CodeFixContext)constructor.Invoke([document, diagnostic, register, CancellationToken.None]);
    }

    private static string StripMarkup(string source)
        => System.Text.RegularExpressions.Regex.Replace(source, @"\{\|CGEN\d{4}:([^|]*)\|\}", "$1");

    /// <summary>A code-fix test of <see cref="UpdateContractLockCodeFix"/> against the offline references.</summary>
    private sealed class LockCodeFixTest : CSharpCodeFixTest<ContractLockAnalyzer, UpdateContractLockCodeFix, DefaultVerifier>
    {
        public LockCodeFixTest()
        {
            ReferenceAssemblies = TestReferences.None;
            TestState.AdditionalReferences.AddRange(TestReferences.All);
            FixedState.AdditionalReferences.AddRange(TestReferences.All);
            CodeActionEquivalenceKey = UpdateContractLockCodeFix.EquivalenceKey;
        }

        protected override CompilationOptions CreateCompilationOptions()
            => ((CSharpCompilationOptions)base.CreateCompilationOptions()).WithNullableContextOptions(NullableContextOptions.Enable);

        protected override ParseOptions CreateParseOptions() => TestReferences.ParseOptions;
    }
}
