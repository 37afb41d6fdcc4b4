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

namespace ContractGen.CodeFixes;

/// <summary>
/// Fixes CGEN1014 by appending <c>CancellationToken cancellationToken = default</c> to the contract method. The default
/// keeps every existing call compiling; implementations of the interface add the parameter too (the compiler says where).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddCancellationTokenCodeFix)), Shared]
public sealed class AddCancellationTokenCodeFix : CodeFixProvider
{
    /// <summary>The equivalence key, stable across versions so that Fix All groups every occurrence.</summary>
    public const string EquivalenceKey = "ContractGen.AddCancellationToken";

    private static readonly FixAllProvider FixAll = FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var methods = root is null ? [] : diagnostics.Select(d => AttributeEditing.FindDeclaration(root, d.Location)).OfType<MethodDeclarationSyntax>().ToList();
        return await AddParametersAsync(document, methods, context.CancellationToken).ConfigureAwait(false);
    });

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingCancellationToken);

    /// <summary>Fix All edits each document once, adding the <c>using</c> once (see <see cref="AttributeEditing.AddAttributesAsync"/>).</summary>
    public override FixAllProvider GetFixAllProvider() => FixAll;

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
            if (AttributeEditing.FindDeclaration(root, diagnostic.Location) is not MethodDeclarationSyntax method)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Add a CancellationToken parameter", cancellationToken => AddParametersAsync(context.Document, [method], cancellationToken), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> AddParametersAsync(Document document, List<MethodDeclarationSyntax> methods, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || methods.Count == 0)
        {
            return document;
        }

        var endOfLine = AttributeEditing.EndOfLine(root);
        var updated = root.ReplaceNodes(methods.Select(m => m.ParameterList), (_, list) => AddParameter(list, endOfLine));
        return await AttributeEditing.SimplifyAsync(document.WithSyntaxRoot(updated), cancellationToken).ConfigureAwait(false);
    }

    private static ParameterListSyntax AddParameter(ParameterListSyntax list, SyntaxTrivia endOfLine)
    {
        var parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(UniqueName(list)))
            .WithType(AttributeEditing.QualifiedName("System.Threading.CancellationToken").WithTrailingTrivia(SyntaxFactory.Space))
            .WithDefault(SyntaxFactory.EqualsValueClause(
                SyntaxFactory.Token(SyntaxKind.EqualsToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.LiteralExpression(SyntaxKind.DefaultLiteralExpression, SyntaxFactory.Token(SyntaxKind.DefaultKeyword))));
        if (list.Parameters.Count == 0)
        {
            return list.WithParameters(SyntaxFactory.SingletonSeparatedList(parameter));
        }

        // Parameters one per line get the new one on a line of its own, indented like the last; otherwise ", ".
        var last = list.Parameters.Last();
        var onOwnLine = last.GetFirstToken().GetPreviousToken().TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var comma = SyntaxFactory.Token(SyntaxKind.CommaToken);
        if (onOwnLine)
        {
            comma = comma.WithTrailingTrivia(endOfLine);
            parameter = parameter.WithLeadingTrivia(last.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)));
        }
        else
        {
            comma = comma.WithTrailingTrivia(SyntaxFactory.Space);
        }

        // The last parameter's trailing trivia (a comment before ')') moves behind the new parameter.
        var parameters = list.Parameters.Replace(last, last.WithoutTrailingTrivia()).Add(parameter.WithTrailingTrivia(last.GetTrailingTrivia()));
        var separators = list.Parameters.GetSeparators().Append(comma);
        return list.WithParameters(SyntaxFactory.SeparatedList(parameters, separators));
    }

    // "cancellationToken", unless a parameter already has that name.
    private static string UniqueName(ParameterListSyntax list)
    {
        var names = list.Parameters.Select(p => p.Identifier.ValueText).ToImmutableHashSet();
        var name = "cancellationToken";
        for (var i = 2; names.Contains(name); i++)
        {
            name = "cancellationToken" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return name;
    }
}
