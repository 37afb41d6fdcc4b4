using ContractGen.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using Xunit;

namespace ContractGen.Analyzers.Tests;

/// <summary>
/// The CGEN1001 fixes. The testing framework applies the chosen action one diagnostic at a time, then through Fix All in
/// document, project and solution (<see cref="WellKnownFixAllProviders.BatchFixer"/>), counting the passes each needs
/// and checking that no diagnostic is left. It also checks that every fixed diagnostic is local to its document, as
/// the IDE needs to offer the fix while editing.
/// </summary>
public sealed class MakeContractPartialCodeFixTests
{
    private const string NestedSource = """
        using System.Threading.Tasks;
        using ContractGen;

        public static class {|CGEN1001:Services|}
        {
            internal readonly record struct {|CGEN1001:Holder|}
            {
                [ServiceContract]
                internal interface {|CGEN1001:IClock|}
                {
                    Task PingAsync();
                }
            }
        }
        """;

    private const string NestedFixed = """
        using System.Threading.Tasks;
        using ContractGen;

        public static partial class Services
        {
            internal readonly partial record struct Holder
            {
                [ServiceContract]
                internal partial interface IClock
                {
                    Task PingAsync();
                }
            }
        }
        """;

    [Fact]
    public Task Adds_partial_after_the_existing_modifiers()
        => new PartialCodeFixTest
        {
            TestCode = """
                using System.Threading.Tasks;
                using ContractGen;

                namespace Example;

                [ServiceContract(Name = "com.example.clock")]
                public interface {|CGEN1001:IClock|}
                {
                    Task PingAsync();
                }
                """,
            FixedCode = """
                using System.Threading.Tasks;
                using ContractGen;

                namespace Example;

                [ServiceContract(Name = "com.example.clock")]
                public partial interface IClock
                {
                    Task PingAsync();
                }
                """,
        }.RunAsync();

    [Fact]
    public Task Keeps_comments_attributes_and_indentation_when_there_are_no_modifiers()
        // Without modifiers the nested interface is private, which CGEN1015 reports too; that fix is the user's choice.
        => new PartialCodeFixTest
        {
            TestCode = """
                using System.Threading.Tasks;
                using ContractGen;

                namespace Example
                {
                    /// <summary>Holds the contract.</summary>
                    class {|CGEN1001:Outer|} // trailing comment
                    {
                        /// <summary>The contract.</summary>
                        [ServiceContract]
                        /* before the keyword */ interface {|CGEN1001:{|CGEN1015:IClock|}|}
                        {
                            Task PingAsync();
                        }
                    }
                }
                """,
            FixedCode = """
                using System.Threading.Tasks;
                using ContractGen;

                namespace Example
                {
                    /// <summary>Holds the contract.</summary>
                    partial class Outer // trailing comment
                    {
                        /// <summary>The contract.</summary>
                        [ServiceContract]
                        /* before the keyword */ partial interface {|CGEN1015:IClock|}
                        {
                            Task PingAsync();
                        }
                    }
                }
                """,
            NumberOfIncrementalIterations = 2,
        }.RunAsync();

    [Fact]
    public Task Each_type_of_a_nested_contract_has_its_fix_and_fix_all_applies_them_in_one_pass()
        => new PartialCodeFixTest
        {
            TestCode = NestedSource,
            FixedCode = NestedFixed,
            NumberOfIncrementalIterations = 3,
            NumberOfFixAllIterations = 1,
        }.RunAsync();

    [Fact]
    public Task Contract_fix_can_make_its_containing_types_partial_at_once()
        => new PartialCodeFixTest
        {
            TestCode = """
                using System.Threading.Tasks;
                using ContractGen;

                public partial class Services
                {
                    internal static class {|CGEN1001:Clocks|}
                    {
                        [ServiceContract]
                        internal interface {|CGEN1001:IClock|}
                        {
                            Task PingAsync();
                        }
                    }
                }
                """,
            FixedCode = """
                using System.Threading.Tasks;
                using ContractGen;

                public partial class Services
                {
                    internal static partial class Clocks
                    {
                        [ServiceContract]
                        internal partial interface IClock
                        {
                            Task PingAsync();
                        }
                    }
                }
                """,
            // Offered only where a containing type lacks 'partial' too: here on IClock, not on Clocks.
            CodeActionEquivalenceKey = MakeContractPartialCodeFix.WithContainingTypesEquivalenceKey,
            NumberOfIncrementalIterations = 1,
            NumberOfFixAllIterations = 1,
        }.RunAsync();

    [Fact]
    public async Task Fix_all_makes_every_contract_in_the_solution_partial()
    {
        var test = new PartialCodeFixTest
        {
            NumberOfIncrementalIterations = 5,
            // Fix All in document fixes one document per pass; in project and in solution, everything at once.
            NumberOfFixAllInDocumentIterations = 2,
            NumberOfFixAllIterations = 1,
        };
        test.TestState.Sources.Add(("Clock.cs", """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example;

            [ServiceContract]
            public interface {|CGEN1001:IClock|}
            {
                Task PingAsync();
            }

            [ServiceContract]
            internal interface {|CGEN1001:ITimer|}
            {
                Task StartAsync(int seconds);
            }
            """));
        test.TestState.Sources.Add(("Store.cs", """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example;

            public sealed class {|CGEN1001:Storage|}
            {
                [ServiceContract]
                public interface {|CGEN1001:IStore|}
                {
                    Task<string> GetAsync(string key);
                }

                [ServiceContract]
                public interface {|CGEN1001:IArchive|}
                {
                    Task<string> GetAsync(string key);
                }
            }
            """));
        test.FixedState.Sources.Add(("Clock.cs", """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example;

            [ServiceContract]
            public partial interface IClock
            {
                Task PingAsync();
            }

            [ServiceContract]
            internal partial interface ITimer
            {
                Task StartAsync(int seconds);
            }
            """));
        test.FixedState.Sources.Add(("Store.cs", """
            using System.Threading.Tasks;
            using ContractGen;

            namespace Example;

            public sealed partial class Storage
            {
                [ServiceContract]
                public partial interface IStore
                {
                    Task<string> GetAsync(string key);
                }

                [ServiceContract]
                public partial interface IArchive
                {
                    Task<string> GetAsync(string key);
                }
            }
            """));
        await test.RunAsync();
    }

    [Fact]
    public void Fix_is_registered_for_CGEN1001_with_stable_equivalence_keys()
    {
        var fix = new MakeContractPartialCodeFix();
        Assert.Equal("CGEN1001", Assert.Single(fix.FixableDiagnosticIds));
        Assert.Equal("ContractGen.MakeContractPartial", MakeContractPartialCodeFix.EquivalenceKey);
        Assert.Equal("ContractGen.MakeContractPartial.WithContainingTypes", MakeContractPartialCodeFix.WithContainingTypesEquivalenceKey);
        Assert.Same(WellKnownFixAllProviders.BatchFixer, fix.GetFixAllProvider());
    }
}
