using ContractGen.CodeAnalysis;
using ContractGen.CodeFixes;
using Xunit;
using static ContractGen.Analyzers.Tests.VerifySafety;

namespace ContractGen.Analyzers.Tests;

/// <summary>CGEN3007: path-like strings in a System contract carry [SafePath]; the fix adds it without a root.</summary>
public sealed class UnsafePathTests
{
    [Fact]
    public Task CGEN3007_path_like_parameters_and_members_without_SafePath()
        => AnalyzerAsync<UnsafePathAnalyzer>(Usings + """
            [MemoryPackable]
            public sealed partial record Export([property: StringLength(256)] string {|CGEN3007:OutputDir|}, int Count);

            [ServiceContract(Name = "com.example.files", MaxStringLength = 4096)]
            [AllowAnyLocalUser]
            public partial interface IFiles
            {
                Task<long> SizeAsync(string {|CGEN3007:path|}, CancellationToken cancellationToken = default);
                Task CopyAsync(string {|CGEN3007:sourceFile|}, string? {|CGEN3007:targetFileName|}, CancellationToken cancellationToken = default);
                Task ExportAsync(Export export, CancellationToken cancellationToken = default);
            }
            """);

    [Fact]
    public Task CGEN3007_not_reported_with_SafePath_for_other_names_types_or_contexts()
        => AnalyzerAsync<UnsafePathAnalyzer>(Usings + """
            [ServiceContract(Name = "com.example.files", MaxStringLength = 4096, MaxCollectionLength = 16)]
            [AllowAnyLocalUser]
            public partial interface IFiles
            {
                Task<long> SizeAsync([SafePath(Root = "/srv/data")] string path, [SafePath] string file, CancellationToken cancellationToken = default);
                Task CountAsync(int fileCount, string profile, string fileContents, string[] paths, CancellationToken cancellationToken = default);
            }

            [ServiceContract(Name = "com.example.agent", Context = ServiceContext.User)]
            public partial interface IAgent
            {
                Task OpenAsync(string path, CancellationToken cancellationToken = default);
            }
            """);

    [Fact]
    public Task Fix_adds_SafePath_inline_into_existing_lists_and_above_members()
        => CodeFixAsync<UnsafePathAnalyzer, AddSafePathCodeFix>(
            """
            using System.ComponentModel.DataAnnotations;
            using System.Threading;
            using System.Threading.Tasks;
            using MemoryPack;

            namespace Example;

            [MemoryPack.MemoryPackable]
            public sealed partial class Export
            {
                /// <summary>Where to write.</summary>
                [StringLength(256)]
                public string {|CGEN3007:OutputDir|} { get; set; } = "";
            }

            [ContractGen.ServiceContract(Name = "com.example.files", MaxStringLength = 4096)]
            [ContractGen.AllowAnyLocalUser]
            public partial interface IFiles
            {
                Task<long> SizeAsync(string {|CGEN3007:path|}, CancellationToken cancellationToken = default);
                Task CopyAsync([Required] string {|CGEN3007:sourceFile|}, Export export, CancellationToken cancellationToken = default);
            }
            """,
            """
            using System.ComponentModel.DataAnnotations;
            using System.Threading;
            using System.Threading.Tasks;
            using ContractGen;
            using MemoryPack;

            namespace Example;

            [MemoryPack.MemoryPackable]
            public sealed partial class Export
            {
                /// <summary>Where to write.</summary>
                [StringLength(256)]
                [SafePath]
                public string OutputDir { get; set; } = "";
            }

            [ContractGen.ServiceContract(Name = "com.example.files", MaxStringLength = 4096)]
            [ContractGen.AllowAnyLocalUser]
            public partial interface IFiles
            {
                Task<long> SizeAsync([SafePath] string path, CancellationToken cancellationToken = default);
                Task CopyAsync([Required, SafePath] string sourceFile, Export export, CancellationToken cancellationToken = default);
            }
            """,
            AddSafePathCodeFix.EquivalenceKey,
            iterations: 3);

    [Theory]
    [InlineData("path", true)]
    [InlineData("filePath", true)]
    [InlineData("file", true)]
    [InlineData("fileName", true)]
    [InlineData("pidFile", true)]
    [InlineData("outputDir", true)]
    [InlineData("target_directory", true)]
    [InlineData("folder", true)]
    [InlineData("fileCount", false)]
    [InlineData("profile", false)]
    [InlineData("userName", false)]
    [InlineData("pathological", false)]
    [InlineData("fileContents", false)]
    public void Path_names_are_matched_by_words(string name, bool pathLike)
        => Assert.Equal(pathLike, InputNames.IsPathLike(name));

    [Fact]
    public Task CGEN3007_path_like_members_of_union_cases()
        => AnalyzerAsync<UnsafePathAnalyzer>(Usings + """
            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Export))]
            [MemoryPackUnion(1, typeof(Import))]
            public partial interface IJob
            {
            }

            [MemoryPackable]
            public sealed partial record Export(string {|CGEN3007:OutputDir|}) : IJob;

            [MemoryPackable]
            public sealed partial record Import([property: SafePath(Root = "/srv/in")] string SourceFile) : IJob;

            [ServiceContract(Name = "com.example.jobs", MaxStringLength = 4096)]
            [AllowAnyLocalUser]
            public partial interface IJobs
            {
                Task RunAsync(IJob job, CancellationToken cancellationToken = default);
            }
            """);

    [Fact]
    public Task CGEN3007_not_reported_for_union_cases_with_SafePath()
        => AnalyzerAsync<UnsafePathAnalyzer>(Usings + """
            [MemoryPackable]
            [MemoryPackUnion(0, typeof(Export))]
            public partial interface IJob
            {
            }

            [MemoryPackable]
            public sealed partial record Export([property: SafePath] string OutputDir, int Count) : IJob;

            [ServiceContract(Name = "com.example.jobs", MaxStringLength = 4096)]
            [AllowAnyLocalUser]
            public partial interface IJobs
            {
                Task RunAsync(IJob job, CancellationToken cancellationToken = default);
            }
            """);
}
