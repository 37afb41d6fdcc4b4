using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ContractGen.CodeFixes;

/// <summary>
/// Fixes CGEN1001. Every type that must become <see langword="partial"/> (the contract and each containing type) carries
/// its own diagnostic, and each offers <em>Make 'X' partial</em>, which Fix All applies to all of them in one pass. A
/// contract whose containers lack the modifier too also offers <em>Make 'X' and its containing types partial</em>, which
/// fixes the whole chain at once.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeContractPartialCodeFix)), Shared]
public sealed class MakeContractPartialCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key of <em>Make 'X' partial</em>, stable across versions so that Fix All groups every occurrence.</summary>
    public const string EquivalenceKey = "ContractGen.MakeContractPartial";

    /// <summary>The equivalence key of <em>Make 'X' and its containing types partial</em>.</summary>
    public const string WithContainingTypesEquivalenceKey = "ContractGen.MakeContractPartial.WithContainingTypes";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ContractMustBePartial);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            // The diagnostic sits on the type's name (the symbol's location), so its token's parent is the declaration.
            var token = root.FindToken(diagnostic.Location.SourceSpan.Start);
            if (token.Parent is not TypeDeclarationSyntax declaration
                || declaration.Identifier.Span != diagnostic.Location.SourceSpan
                || IsPartial(declaration))
            {
                continue;
            }

            // Only this declaration: the containers carry diagnostics of their own, and Fix All merges the edits of
            // every diagnostic only when no two of them touch the same place.
            var name = declaration.Identifier.ValueText;
            context.RegisterCodeFix(
                CodeAction.Create($"Make '{name}' partial", cancellationToken => AddPartialAsync(context.Document, [declaration], cancellationToken), EquivalenceKey),
                diagnostic);

            var containers = declaration.Ancestors().OfType<TypeDeclarationSyntax>().Where(d => !IsPartial(d)).ToList();
            if (containers.Count > 0)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Make '{name}' and its containing types partial",
                        cancellationToken => AddPartialAsync(context.Document, [declaration, .. containers], cancellationToken),
                        WithContainingTypesEquivalenceKey),
                    diagnostic);
            }
        }
    }

    private static bool IsPartial(TypeDeclarationSyntax declaration) => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    /// <summary>
    /// Inserts <c>partial </c> right before each declaration's keyword, where C# requires it (after every other
    /// modifier): <c>interface IFoo</c> becomes <c>partial interface IFoo</c>, <c>public static class C</c> becomes
    /// <c>public static partial class C</c>. Comments, attributes, line breaks and indentation stay where they were.
    /// </summary>
    private static async Task<Document> AddPartialAsync(Document document, List<TypeDeclarationSyntax> targets, CancellationToken cancellationToken)
    {
        var text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        var changes = targets
            .Select(d => new TextChange(new TextSpan(d.Keyword.SpanStart, 0), "partial "))
            .OrderBy(c => c.Span.Start);
        return document.WithText(text.WithChanges(changes));
    }
}
