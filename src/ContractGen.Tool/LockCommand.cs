using System.CommandLine;
using System.Text;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ContractGen.Tool;

/// <summary>
/// <c>contractgen lock --output ContractGen.lock.txt [--reference DLL]... [--define SYMBOL]... [--nullable enable]
/// [--lang-version latest] SOURCE...</c>: records every contract of a project in its lock file. The build runs it with
/// the project's own compiler inputs when given <c>-p:ContractGenUpdateLock=true</c> (build/ContractGen.Consumer.props),
/// so users never type these arguments.
/// </summary>
/// <remarks>
/// It reads the sources into a compilation and renders the file with the same parser and renderer the analyzer compares
/// with (linked from ContractGen.CodeAnalysis.Shared): what it writes is what CGEN1011/CGEN1012 accept.
/// </remarks>
internal static class LockCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var lockFile = new Option<FileInfo>("--output", "-o")
        {
            Description = $"The lock file to write (normally {ContractLock.FileName} beside the project file).",
            Required = true,
            HelpName = "FILE",
        };
        var references = new Option<string[]>("--reference", "-r")
        {
            Description = "An assembly the project references (repeat the option).",
            HelpName = "DLL",
        };
        var defines = new Option<string[]>("--define", "-d")
        {
            Description = "A preprocessor symbol the project defines (repeat the option).",
            HelpName = "SYMBOL",
        };
        var nullable = new Option<string>("--nullable")
        {
            Description = "The project's Nullable setting; it changes the recorded signatures of reference types.",
            DefaultValueFactory = _ => "enable",
        };
        var langVersion = new Option<string>("--lang-version")
        {
            Description = "The project's LangVersion.",
            DefaultValueFactory = _ => "latest",
        };
        var sources = new Argument<FileInfo[]>("sources")
        {
            Description = "The project's C# files (MSBuild's Compile items).",
            Arity = ArgumentArity.OneOrMore,
        };

        var command = new Command("lock", $"Record every contract of a project (its methods' wire shapes, callers and checks) in {ContractLock.FileName}.")
        {
            lockFile, references, defines, nullable, langVersion, sources,
        };
        command.SetAction((result, cancellationToken) => Task.FromResult(Run(
            result.GetValue(lockFile)!,
            result.GetValue(sources)!,
            result.GetValue(references) ?? [],
            result.GetValue(defines) ?? [],
            result.GetValue(nullable)!,
            result.GetValue(langVersion)!,
            output,
            error,
            cancellationToken)));
        return command;
    }

    /// <summary>Writes the lock file for <paramref name="sources"/>; 0 when written or already current, 1 when it cannot be.</summary>
    internal static int Run(FileInfo lockFile, IReadOnlyList<FileInfo> sources, IReadOnlyList<string> references, IReadOnlyList<string> defines,
        string nullable, string langVersion, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string? rendered;
        try
        {
            var compilation = CreateCompilation(sources, references, defines, nullable, langVersion);
            if (!lockFile.Exists && ContractCatalog.FindContracts(compilation, new KnownTypes(compilation), cancellationToken).Count == 0)
            {
                // A solution-wide 'dotnet build -p:ContractGenUpdateLock=true' reaches projects that only use contracts:
                // they get no file (an existing one is kept up to date, and emptied if its contracts are gone).
                output.WriteLine($"No contracts in this project: {lockFile.FullName} not written.");
                return 0;
            }

            rendered = ContractCatalog.RenderLock(compilation, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or ArgumentException)
        {
            error.WriteLine($"contractgen lock: cannot read the project's inputs: {ex.Message}");
            return 1;
        }

        if (rendered is null)
        {
            error.WriteLine($"contractgen lock: a contract breaks a rule of ContractGen (a CGEN1xxx or CGEN2xxx error); build the project, fix it, and run this again. {lockFile.FullName} was not changed.");
            return 1;
        }

        try
        {
            if (lockFile.Exists && File.ReadAllText(lockFile.FullName).ReplaceLineEndings("\n") == rendered)
            {
                output.WriteLine($"{lockFile.FullName} is up to date.");
                return 0;
            }

            lockFile.Directory?.Create();
            File.WriteAllText(lockFile.FullName, rendered, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"contractgen lock: cannot write {lockFile.FullName}: {ex.Message}");
            return 1;
        }

        output.WriteLine($"Wrote {lockFile.FullName}: review the change and commit it.");
        return 0;
    }

    private static CSharpCompilation CreateCompilation(IReadOnlyList<FileInfo> sources, IReadOnlyList<string> references, IReadOnlyList<string> defines, string nullable, string langVersion)
    {
        // A version this Roslyn does not know yet is newer than it: parse with everything it knows. Contracts are
        // declarations, which every recent language version reads alike.
        var version = LanguageVersionFacts.TryParse(langVersion, out var parsed) ? parsed : LanguageVersion.Preview;
        var parseOptions = new CSharpParseOptions(version, preprocessorSymbols: defines);
        var trees = sources.Select(source =>
        {
            using var stream = source.OpenRead();
            return CSharpSyntaxTree.ParseText(SourceText.From(stream), parseOptions, source.FullName);
        });
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: nullable.ToUpperInvariant() switch
            {
                "ENABLE" => NullableContextOptions.Enable,
                "WARNINGS" => NullableContextOptions.Warnings,
                "ANNOTATIONS" => NullableContextOptions.Annotations,
                _ => NullableContextOptions.Disable,
            },
            allowUnsafe: true);
        return CSharpCompilation.Create("ContractGen.Lock", trees.ToList(), references.Select(r => MetadataReference.CreateFromFile(r)), options);
    }
}
