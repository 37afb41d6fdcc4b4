using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace ContractGen.CodeFixes;

/// <summary>
/// Fixes CGEN1011 and CGEN1012 by rewriting the project's <c>ContractGen.lock.txt</c> with the current shape of every
/// contract, rendered by <see cref="ContractLock"/> from the model <see cref="ContractParser"/> reads: the same code the
/// analyzer compares with, so after the fix the analyzer is silent. The diff of the file is what a reviewer approves.
/// </summary>
/// <remarks>
/// Offered on diagnostics in C# documents and in the lock file itself (a contract that is gone is reported there).
/// Every diagnostic of a project has the same fix, the whole file rendered again, so Fix All renders each project's
/// file once (<see cref="LockFixAllProvider"/>) instead of merging one full rewrite per diagnostic, which is what
/// <see cref="WellKnownFixAllProviders.BatchFixer"/> would do.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UpdateContractLockCodeFix),
    DocumentKinds = [nameof(TextDocumentKind.Document), nameof(TextDocumentKind.AdditionalDocument)]), Shared]
public sealed class UpdateContractLockCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of <em>Update ContractGen.lock.txt</em>, stable across versions so that Fix All groups every occurrence.</summary>
    public const string EquivalenceKey = "ContractGen.UpdateContractLock";

    private const string Title = "Update " + ContractLock.FileName;

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(DiagnosticIds.ContractChangedFromLock, DiagnosticIds.ContractNotInLock);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => LockFixAllProvider.Instance;

    /// <inheritdoc/>
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var project = context.TextDocument.Project;
        if (FindLockDocument(project) is not null)
        {
            context.RegisterCodeFix(
                CodeAction.Create(Title, cancellationToken => UpdateAsync(project.Solution, [project.Id], cancellationToken), EquivalenceKey),
                context.Diagnostics);
        }

        return Task.CompletedTask;
    }

    /// <summary>The additional document named <c>ContractGen.lock.txt</c>, as the analyzer finds it.</summary>
    private static TextDocument? FindLockDocument(Project project)
        => project.AdditionalDocuments.FirstOrDefault(d => Path.GetFileName(d.FilePath ?? d.Name) == ContractLock.FileName);

    /// <summary>Renders the lock file of each project again; a project whose contracts break a structural rule keeps its file.</summary>
    private static async Task<Solution> UpdateAsync(Solution solution, IEnumerable<ProjectId> projectIds, CancellationToken cancellationToken)
    {
        foreach (var projectId in projectIds)
        {
            var project = solution.GetProject(projectId);
            if (project is null
                || FindLockDocument(project) is not { } lockDocument
                || await project.GetCompilationAsync(cancellationToken).ConfigureAwait(false) is not { } compilation
                || ContractCatalog.RenderLock(compilation, cancellationToken) is not { } rendered)
            {
                continue;
            }

            var existing = await lockDocument.GetTextAsync(cancellationToken).ConfigureAwait(false);
            if (existing.ToString() != rendered)
            {
                // The file keeps its encoding; the renderer writes '\n' line ends, as .gitattributes keeps text files.
                solution = solution.WithAdditionalDocumentText(lockDocument.Id, SourceText.From(rendered, existing.Encoding));
            }
        }

        return solution;
    }

    /// <summary>Fix All: one rewrite per project in scope (the project of the document, the project, or every project).</summary>
    private sealed class LockFixAllProvider : FixAllProvider
    {
        public static readonly LockFixAllProvider Instance = new();

        public override IEnumerable<FixAllScope> GetSupportedFixAllScopes()
            => [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution];

        public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var projectIds = fixAllContext.Scope == FixAllScope.Solution
                ? fixAllContext.Solution.ProjectIds.ToList()
                : [fixAllContext.Project.Id];
            return Task.FromResult<CodeAction?>(CodeAction.Create(
                Title, cancellationToken => UpdateAsync(fixAllContext.Solution, projectIds, cancellationToken), EquivalenceKey));
        }
    }
}
