import ReactMarkdown, { type Components } from "react-markdown";

/*
 * Markdown written by others (an OpenAPI document's descriptions), rendered safely: raw HTML
 * in the text is dropped, never injected (`skipHtml`), and react-markdown's default URL check
 * leaves only http(s), mailto and relative links. Links open in a new tab without a referrer.
 */
const components: Components = {
  h1: ({ children }) => <p className="font-semibold text-slate-900">{children}</p>,
  h2: ({ children }) => <p className="font-semibold text-slate-900">{children}</p>,
  h3: ({ children }) => <p className="font-medium text-slate-900">{children}</p>,
  h4: ({ children }) => <p className="font-medium text-slate-900">{children}</p>,
  p: ({ children }) => <p className="break-words">{children}</p>,
  ul: ({ children }) => <ul className="list-disc space-y-0.5 pl-5">{children}</ul>,
  ol: ({ children }) => <ol className="list-decimal space-y-0.5 pl-5">{children}</ol>,
  a: ({ children, href }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="font-medium text-indigo-700 underline hover:text-indigo-600">
      {children}
    </a>
  ),
  code: ({ children }) => <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.85em] text-slate-800">{children}</code>,
  pre: ({ children }) => <pre className="overflow-x-auto rounded-md bg-slate-50 p-2 text-xs ring-1 ring-inset ring-slate-200 [&>code]:bg-transparent [&>code]:p-0">{children}</pre>,
  blockquote: ({ children }) => <blockquote className="border-l-2 border-slate-300 pl-3 text-slate-600">{children}</blockquote>,
  img: ({ alt }) => <span className="text-slate-500">[image: {alt}]</span>,
};

export function Markdown({ text, className = "" }: { text: string; className?: string }) {
  return (
    <div className={`space-y-2 text-sm leading-6 text-slate-700 ${className}`}>
      <ReactMarkdown skipHtml components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
