using ContractGen.CodeFixes;
using Xunit;
using static ContractGen.Analyzers.Tests.VerifySafety;

namespace ContractGen.Analyzers.Tests;

/// <summary>CGEN1014: contract methods take a trailing CancellationToken; the fix appends one with a default.</summary>
public sealed class MissingCancellationTokenTests
{
    [Fact]
    public Task CGEN1014_methods_without_a_token_in_any_context()
        => AnalyzerAsync<MissingCancellationTokenAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                Task<int> {|CGEN1014:CountAsync|}();
                ValueTask {|CGEN1014:SetAsync|}(int value);
                IAsyncEnumerable<int> {|CGEN1014:StreamAsync|}(int count);
            }
            """);

    [Fact]
    public Task CGEN1014_not_reported_with_a_token_for_one_way_methods_or_a_misplaced_token()
        => AnalyzerAsync<MissingCancellationTokenAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                Task<int> CountAsync(CancellationToken cancellationToken = default);
                Task SetAsync(int value, CancellationToken cancellationToken);
                IAsyncEnumerable<int> StreamAsync(int count, CancellationToken cancellationToken = default);

                [OneWay]
                Task NotifyAsync(int code);

                // CGEN1008 reports a token that is not last; this rule stays silent.
                Task MisplacedAsync(CancellationToken cancellationToken, int value);
            }
            """);

    [Fact]
    public Task Fix_appends_a_token_with_a_default_and_keeps_comments()
        => CodeFixAsync<MissingCancellationTokenAnalyzer, AddCancellationTokenCodeFix>(
            """
            using System.Threading.Tasks;
            using ContractGen;

            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                /// <summary>Counts.</summary>
                Task<int> {|CGEN1014:CountAsync|}();

                Task {|CGEN1014:SetAsync|}(int value /* the new value */);

                Task {|CGEN1014:MoveAsync|}(
                    int from,
                    int to);

                Task {|CGEN1014:NameClashAsync|}(string cancellationToken);
            }
            """,
            """
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;

            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                /// <summary>Counts.</summary>
                Task<int> CountAsync(CancellationToken cancellationToken = default);

                Task SetAsync(int value, CancellationToken cancellationToken = default /* the new value */);

                Task MoveAsync(
                    int from,
                    int to,
                    CancellationToken cancellationToken = default);

                Task NameClashAsync(string cancellationToken, CancellationToken cancellationToken2 = default);
            }
            """,
            AddCancellationTokenCodeFix.EquivalenceKey,
            iterations: 4);

    [Fact]
    public void Fix_is_registered_for_CGEN1014_with_a_stable_key_and_fix_all()
    {
        var fix = new AddCancellationTokenCodeFix();
        Assert.Equal("CGEN1014", Assert.Single(fix.FixableDiagnosticIds));
        Assert.Equal("ContractGen.AddCancellationToken", AddCancellationTokenCodeFix.EquivalenceKey);
        // Not the batch fixer: it merges the fixes' text changes and drops colliding ones, and every fix may add the same using.
        Assert.Contains(Microsoft.CodeAnalysis.CodeFixes.FixAllScope.Solution, fix.GetFixAllProvider().GetSupportedFixAllScopes());
    }
}
