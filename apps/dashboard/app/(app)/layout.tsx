import Link from "next/link";
import type { ReactNode } from "react";
import { ChangePasswordForm } from "@/components/account/change-password-form.tsx";
import { MobileMenu } from "@/components/shell/mobile-menu.tsx";
import { NavLink } from "@/components/shell/nav-link.tsx";
import { OrgSwitcher } from "@/components/shell/org-switcher.tsx";
import { SignOutButton } from "@/components/shell/sign-out-button.tsx";
import { PageHeader } from "@/components/ui/index.ts";
import { loadCurrentOrg } from "@/server/access.ts";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const { user, orgs, current } = await loadCurrentOrg();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 sm:px-6">
          <Link href="/projects" className="text-lg font-semibold tracking-tight">tengine</Link>
          <OrgSwitcher orgs={orgs} current={current?.slug} />
          <nav aria-label="Main" className="hidden flex-1 gap-1 sm:flex">
            <NavLink href="/projects">Projects</NavLink>
            <NavLink href="/org/members">Members</NavLink>
            <NavLink href="/org/audit">Audit log</NavLink>
          </nav>
          <div className="hidden items-center gap-2 sm:flex">
            <NavLink href="/connections">My connections</NavLink>
            <NavLink href="/account">{user.email}</NavLink>
            <SignOutButton />
          </div>
          <MobileMenu>
            <NavLink href="/projects">Projects</NavLink>
            <NavLink href="/org/members">Members</NavLink>
            <NavLink href="/org/audit">Audit log</NavLink>
            <NavLink href="/connections">My connections</NavLink>
            <NavLink href="/account">Account ({user.email})</NavLink>
            <SignOutButton />
          </MobileMenu>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
        {user.mustChangePassword ? (
          // An admin created this account with a temporary password: it is replaced before anything else.
          <>
            <PageHeader title="Choose your password" description="Your account was created with a temporary password. Set your own to continue." />
            <ChangePasswordForm forced />
          </>
        ) : (
          children
        )}
      </main>
    </div>
  );
}
