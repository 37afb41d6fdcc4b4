using ContractGen.CodeFixes;
using Xunit;
using static ContractGen.Analyzers.Tests.VerifySafety;

namespace ContractGen.Analyzers.Tests;

/// <summary>CGEN3006: every method of a System contract says who may call it; the fixes add an open or a root-only rule.</summary>
public sealed class MissingAuthorizationTests
{
    [Fact]
    public Task CGEN3006_methods_without_a_rule_in_a_system_contract()
        => AnalyzerAsync<MissingAuthorizationAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.files")]
            public partial interface IFiles
            {
                Task {|CGEN3006:DeleteAsync|}(int id, CancellationToken cancellationToken = default);

                [AllowAnyLocalUser]
                Task<int> CountAsync(CancellationToken cancellationToken = default);

                [RequireRoot]
                Task WipeAsync(CancellationToken cancellationToken = default);

                [AllowCallers(Groups = ["backup"])]
                Task BackupAsync(CancellationToken cancellationToken = default);

                // Runs in the caller: not a wire method.
                Task<int> TwiceAsync() => CountAsync();
            }

            namespace Example.Nested
            {
                public static partial class Services
                {
                    [ServiceContract(Name = "com.example.nested")]
                    public partial interface INested
                    {
                        Task {|CGEN3006:PingAsync|}();
                    }
                }
            }
            """);

    [Fact]
    public Task CGEN3006_not_reported_with_a_rule_on_the_contract_or_outside_the_system_context()
        => AnalyzerAsync<MissingAuthorizationAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.open")]
            [AllowAnyLocalUser]
            public partial interface IOpen
            {
                Task PingAsync(CancellationToken cancellationToken = default);
            }

            [ServiceContract(Name = "com.example.root")]
            [AllowCallers(Root = true)]
            public partial interface IRootOnly
            {
                Task PingAsync(CancellationToken cancellationToken = default);
            }

            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                Task PingAsync(CancellationToken cancellationToken = default);
            }

            [ServiceContract(Name = "com.example.helper", Context = ServiceContext.Application)]
            public partial interface IHelper
            {
                Task PingAsync(CancellationToken cancellationToken = default);
            }
            """);

    [Fact]
    public Task CGEN3006_inherited_methods_are_reported_once_where_they_are_declared()
        => AnalyzerAsync<MissingAuthorizationAnalyzer>(Usings + """
            // A plain base interface's method is reported by the contract that serves it; a base contract's by that contract.
            public interface IPingable
            {
                Task {|CGEN3006:PingAsync|}();
            }

            [ServiceContract(Name = "com.example.base")]
            public partial interface IBase
            {
                Task {|CGEN3006:VersionAsync|}();
            }

            [ServiceContract(Name = "com.example.derived")]
            public partial interface IDerived : IBase, IPingable
            {
                [AllowAnyLocalUser]
                Task CountAsync();
            }
            """);

    [Fact]
    public Task Fix_adds_AllowAnyLocalUser_below_the_doc_comment_and_keeps_other_attributes()
        => CodeFixAsync<MissingAuthorizationAnalyzer, AddCallerRuleCodeFix>(
            Usings + """
                namespace Example;

                [ServiceContract(Name = "com.example.status")]
                public partial interface IStatus
                {
                    /// <summary>The status.</summary>
                    Task<string> {|CGEN3006:StatusAsync|}(CancellationToken cancellationToken = default);

                    // Sent and forgotten.
                    [OneWay]
                    Task {|CGEN3006:NotifyAsync|}(int code);

                    [OneWay] Task {|CGEN3006:PokeAsync|}();
                }
                """,
            Usings + """
                namespace Example;

                [ServiceContract(Name = "com.example.status")]
                public partial interface IStatus
                {
                    /// <summary>The status.</summary>
                    [AllowAnyLocalUser]
                    Task<string> StatusAsync(CancellationToken cancellationToken = default);

                    // Sent and forgotten.
                    [OneWay]
                    [AllowAnyLocalUser]
                    Task NotifyAsync(int code);

                    [OneWay, AllowAnyLocalUser] Task PokeAsync();
                }
                """,
            AddCallerRuleCodeFix.AllowAnyLocalUserEquivalenceKey,
            iterations: 3);

    [Fact]
    public Task Fix_adds_RequireRoot_and_the_using_it_needs()
        => CodeFixAsync<MissingAuthorizationAnalyzer, AddCallerRuleCodeFix>(
            """
            using System.Threading.Tasks;

            namespace Example
            {
                [ContractGen.ServiceContract(Name = "com.example.power")]
                public partial interface IPower
                {
                    Task {|CGEN3006:RebootAsync|}();
                }
            }
            """,
            """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example
            {
                [ContractGen.ServiceContract(Name = "com.example.power")]
                public partial interface IPower
                {
                    [RequireRoot]
                    Task RebootAsync();
                }
            }
            """,
            AddCallerRuleCodeFix.RequireRootEquivalenceKey);

    [Fact]
    public void Fixes_are_registered_for_CGEN3006_with_stable_keys_and_fix_all()
    {
        var fix = new AddCallerRuleCodeFix();
        Assert.Equal("CGEN3006", Assert.Single(fix.FixableDiagnosticIds));
        Assert.Equal("ContractGen.AddAllowAnyLocalUser", AddCallerRuleCodeFix.AllowAnyLocalUserEquivalenceKey);
        Assert.Equal("ContractGen.AddRequireRoot", AddCallerRuleCodeFix.RequireRootEquivalenceKey);
        // Not the batch fixer: it merges the fixes' text changes and drops colliding ones, and every fix may add the same using.
        Assert.Contains(Microsoft.CodeAnalysis.CodeFixes.FixAllScope.Solution, fix.GetFixAllProvider().GetSupportedFixAllScopes());
    }
}
