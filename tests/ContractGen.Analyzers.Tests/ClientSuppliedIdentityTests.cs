using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static ContractGen.Analyzers.Tests.VerifySafety;

namespace ContractGen.Analyzers.Tests;

/// <summary>CGEN3002: a System contract takes no argument that claims who the caller is.</summary>
public sealed class ClientSuppliedIdentityTests
{
    [Fact]
    public Task CGEN3002_parameters_that_claim_the_callers_identity()
        => AnalyzerAsync<ClientSuppliedIdentityAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.accounts")]
            [AllowAnyLocalUser]
            public partial interface IAccounts
            {
                Task DeleteAsync(uint {|CGEN3002:uid|}, CancellationToken cancellationToken = default);
                Task RenameAsync([StringLength(64)] string {|CGEN3002:userName|}, [StringLength(64)] string newName, CancellationToken cancellationToken = default);
                Task ResetAsync(bool {|CGEN3002:isAdmin|}, int {|CGEN3002:caller_pid|}, long {|CGEN3002:ProcessId|}, CancellationToken cancellationToken = default);
                Task RunAsync(bool {|CGEN3002:asRoot|}, [StringLength(64)] string {|CGEN3002:login|}, int {|CGEN3002:callerGid|}, CancellationToken cancellationToken = default);
            }
            """);

    [Fact]
    public Task CGEN3002_members_of_transferred_types_are_reported_with_their_path()
        => AnalyzerAsync<ClientSuppliedIdentityAnalyzer>(Usings + """
            [MemoryPackable]
            public sealed partial record Request([property: StringLength(64)] string Text, Options Options, [property: MaxLength(8)] List<Line> Lines);

            [MemoryPackable]
            public sealed partial record Options(bool {|#0:IsAdmin|});

            [MemoryPackable]
            public sealed partial class Line
            {
                public uint {|#1:UserId|} { get; set; }

                public int Count { get; set; }
            }

            [ServiceContract(Name = "com.example.requests")]
            [AllowAnyLocalUser]
            public partial interface IRequests
            {
                Task SendAsync(Request request, CancellationToken cancellationToken = default);
            }
            """,
            new DiagnosticResult(DiagnosticDescriptors.ClientSuppliedIdentity).WithLocation(0).WithArguments("member", "request.Options.IsAdmin", "SendAsync"),
            new DiagnosticResult(DiagnosticDescriptors.ClientSuppliedIdentity).WithLocation(1).WithArguments("member", "request.Lines[].UserId", "SendAsync"));

    [Fact]
    public Task CGEN3002_not_reported_for_look_alike_names_results_or_other_contexts()
        => AnalyzerAsync<ClientSuppliedIdentityAnalyzer>(Usings + """
            [MemoryPackable]
            public sealed partial record CallerInfo(int ProcessId, uint UserId, string UserName);

            [ServiceContract(Name = "com.example.system")]
            [AllowAnyLocalUser]
            public partial interface ISystem
            {
                // Look-alikes: the last word names something else.
                Task CheckAsync([StringLength(64)] string userAgent, [StringLength(256), SafePath] string pidFile, int userCount, bool isEnabled, int guidance, CancellationToken cancellationToken = default);

                // A result: the service tells the client, which is fine.
                Task<CallerInfo> WhoAmIAsync(CancellationToken cancellationToken = default);
            }

            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                // An agent serves only its own user: nothing to escalate to.
                Task ActAsync(uint uid, CancellationToken cancellationToken = default);
            }
            """);

    [Theory]
    [InlineData("uid", true)]
    [InlineData("callerUid", true)]
    [InlineData("CallerUID", true)]
    [InlineData("caller_uid", true)]
    [InlineData("caller", true)]
    [InlineData("userId", true)]
    [InlineData("user_id", true)]
    [InlineData("userid", true)]
    [InlineData("UserName", true)]
    [InlineData("username", true)]
    [InlineData("user", true)]
    [InlineData("requestingUser", true)]
    [InlineData("loginName", true)]
    [InlineData("pid", true)]
    [InlineData("processId", true)]
    [InlineData("groupId", true)]
    [InlineData("isAdmin", true)]
    [InlineData("IsRoot", true)]
    [InlineData("asRoot", true)]
    [InlineData("runAsRoot", true)]
    [InlineData("is_superuser", true)]
    [InlineData("userAgent", false)]
    [InlineData("pidFile", false)]
    [InlineData("userCount", false)]
    [InlineData("users", false)]
    [InlineData("isEnabled", false)]
    [InlineData("rootPath", false)]
    [InlineData("hasRootAccess", false)]
    [InlineData("guid", false)]
    [InlineData("fluid", false)]
    [InlineData("", false)]
    public void Identity_names_are_matched_by_words(string name, bool claimsIdentity)
        => Assert.Equal(claimsIdentity, InputNames.ClaimsIdentity(name));

    [Theory]
    [InlineData("userId", "user,id")]
    [InlineData("HTTPPath", "http,path")]
    [InlineData("user_id2", "user,id,2")]
    [InlineData("IsAdmin", "is,admin")]
    [InlineData("_field", "field")]
    public void Names_split_into_lower_case_words(string name, string words)
        => Assert.Equal(words.Split(','), InputNames.Words(name));

    [Fact]
    public Task CGEN3002_members_of_union_cases_are_reported_with_the_case_in_their_path()
        => AnalyzerAsync<ClientSuppliedIdentityAnalyzer>(Usings + """
            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Grant))]
            [MemoryPackUnion(1, typeof(Revoke))]
            public abstract partial class Change
            {
            }

            [MemoryPackable]
            public sealed partial class Grant : Change
            {
                public uint {|#0:UserId|} { get; set; }
            }

            [MemoryPackable]
            public sealed partial class Revoke : Change
            {
                public int Count { get; set; }
            }

            [ServiceContract(Name = "com.example.changes")]
            [AllowAnyLocalUser]
            public partial interface IChanges
            {
                Task ApplyAsync([MaxLength(8)] List<Change> changes, CancellationToken cancellationToken = default);
            }
            """,
            new DiagnosticResult(DiagnosticDescriptors.ClientSuppliedIdentity).WithLocation(0).WithArguments("member", "changes[](as Grant).UserId", "ApplyAsync"));

    [Fact]
    public Task CGEN3002_not_reported_for_union_cases_without_identity_members()
        => AnalyzerAsync<ClientSuppliedIdentityAnalyzer>(Usings + """
            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Grant))]
            public abstract partial class Change
            {
            }

            [MemoryPackable]
            public sealed partial class Grant : Change
            {
                [StringLength(64)] public string Permission { get; set; } = "";
                public int Count { get; set; }
            }

            [ServiceContract(Name = "com.example.changes")]
            [AllowAnyLocalUser]
            public partial interface IChanges
            {
                Task ApplyAsync(Change change, CancellationToken cancellationToken = default);
            }
            """);
}
