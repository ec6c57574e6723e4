"""Classes: students join with a code or are added by their teacher, and leave.

Who may study a document follows from these rows (``Document.objects.visible_to``), so
every write here changes what a student sees at once, on the pages and on the next sync
pull (``quizzes.sync`` notices that the set of visible documents changed).

A class's own teacher is never one of its students: they already see their documents
as their owner, and a teacher in their own class would show up in its report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import User
from quizzes.models import Classroom, Membership
from quizzes.models.classes import JOIN_CODE_LENGTH, new_join_code

MAX_STUDENTS_PER_ADD = 1000
"""Most identifiers one "add students" request may name."""

# Spaces and dashes of any kind: a code read aloud or copied from a slide may carry
# them, and phones turn "-" into "–".
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")


class ClassError(ValueError):
    """A class action refused; the message says why, for the person who asked."""


@dataclass(frozen=True)
class IdentifierError:
    identifier: str
    message: str


class AddStudentsError(ClassError):
    """Nobody was added: ``errors`` names each identifier that could not be used."""

    def __init__(self, errors: list[IdentifierError]) -> None:
        super().__init__("; ".join(f"{error.identifier}: {error.message}" for error in errors))
        self.errors = errors


@dataclass
class JoinResult:
    classroom: Classroom
    joined: bool
    """False when the student was already in the class."""


@dataclass
class AddResult:
    added: list[User] = field(default_factory=list)
    already: list[User] = field(default_factory=list)
    """Named students who were in the class already (nothing to do for them)."""


def normalise_join_code(code: str) -> str:
    """The code as stored: upper case, without the spaces and dashes people type."""
    return _CODE_SEPARATORS.sub("", code).upper()


@transaction.atomic
def join_class(*, student: User, code: str) -> JoinResult:
    """Put ``student`` in the class whose join code is ``code`` (case, spaces and dashes
    ignored). Joining a class twice is harmless: ``joined`` is then False."""
    normalised = normalise_join_code(code)
    if not normalised:
        raise ClassError(_("Type the code your teacher gave you."))
    classroom = (
        Classroom.objects.select_related("teacher").filter(join_code__iexact=normalised).first()
    )
    if classroom is None:
        if len(normalised) != JOIN_CODE_LENGTH:
            raise ClassError(
                _("No class has the code “%(code)s”: class codes have %(length)d characters.")
                % {"code": normalised, "length": JOIN_CODE_LENGTH}
            )
        raise ClassError(
            _("No class has the code “%(code)s”. Check it with your teacher.")
            % {"code": normalised}
        )
    if classroom.teacher_id == student.pk:
        raise ClassError(
            _("You teach “%(name)s”: your students join it, you see its documents already.")
            % {"name": classroom.name}
        )
    _membership, joined = Membership.objects.get_or_create(classroom=classroom, student=student)
    return JoinResult(classroom=classroom, joined=joined)


@transaction.atomic
def leave_class(*, student: User, classroom: Classroom) -> bool:
    """Take ``student`` out of ``classroom``; False if they were not in it."""
    deleted, _by_model = Membership.objects.filter(classroom=classroom, student=student).delete()
    return deleted > 0


def _identifiers(raw: Iterable[str]) -> list[str]:
    """The identifiers named, trimmed, blanks dropped, each once (ignoring case)."""
    seen: set[str] = set()
    names = []
    for identifier in raw:
        identifier = identifier.strip()
        if identifier and identifier.lower() not in seen:
            seen.add(identifier.lower())
            names.append(identifier)
    return names


def _match(identifier: str, candidates: list[User]) -> User | None:
    """The account ``identifier`` names among the accounts whose username or email equal
    it ignoring case: an exact username first, else the only one; None if ambiguous."""
    exact = [user for user in candidates if user.username == identifier]
    if len(exact) == 1:
        return exact[0]
    return candidates[0] if len(candidates) == 1 else None


def find_students(*, identifiers: Iterable[str], teacher_id: int | None) -> list[User]:
    """The accounts named by username or email (case ignored), each once, in the order
    named; reads only, so a form can check a list before anything is saved.

    :class:`AddStudentsError` lists every identifier that names no account, several, a
    deactivated one, or the teacher (``teacher_id``) of the class they would join.
    """
    names = _identifiers(identifiers)
    if not names:
        raise ClassError(_("Name at least one student, by username or email."))
    if len(names) > MAX_STUDENTS_PER_ADD:
        raise ClassError(
            _("Add at most %(limit)d students at a time; this list names %(count)d.")
            % {"limit": MAX_STUDENTS_PER_ADD, "count": len(names)}
        )
    lowered = {name.lower() for name in names}
    accounts = list(
        User.objects.annotate(username_key=Lower("username"), email_key=Lower("email")).filter(
            Q(username_key__in=lowered) | Q(email_key__in=lowered)
        )
    )
    by_key: dict[str, list[User]] = {}
    for user in accounts:
        for key in {user.username_key, user.email_key} & lowered:
            by_key.setdefault(key, []).append(user)

    errors: list[IdentifierError] = []
    found: dict[int, User] = {}
    for name in names:
        candidates = by_key.get(name.lower(), [])
        user = _match(name, candidates)
        if not candidates:
            errors.append(IdentifierError(name, _("No account has this username or email.")))
        elif user is None:
            errors.append(
                IdentifierError(name, _("Several accounts match it: give the exact username."))
            )
        elif not user.is_active:
            errors.append(IdentifierError(name, _("This account is deactivated.")))
        elif teacher_id is not None and user.pk == teacher_id:
            errors.append(IdentifierError(name, _("This is the class’s teacher.")))
        else:
            found[user.pk] = user
    if errors:
        raise AddStudentsError(errors)
    return list(found.values())


@transaction.atomic
def add_students(*, classroom: Classroom, identifiers: Iterable[str]) -> AddResult:
    """Add the accounts named by username or email (case ignored) to ``classroom``.

    All or nothing: if any identifier cannot be used (see :func:`find_students`), nobody
    is added and :class:`AddStudentsError` lists every such identifier. Students already
    in the class are reported in ``already``.
    """
    students = find_students(identifiers=identifiers, teacher_id=classroom.teacher_id)
    members = set(
        Membership.objects.filter(
            classroom=classroom, student__in=[user.pk for user in students]
        ).values_list("student_id", flat=True)
    )
    result = AddResult(
        added=[user for user in students if user.pk not in members],
        already=[user for user in students if user.pk in members],
    )
    Membership.objects.bulk_create(
        [Membership(classroom=classroom, student=user) for user in result.added],
        ignore_conflicts=True,  # a student who joined with the code meanwhile stays once
    )
    return result


@transaction.atomic
def remove_students(*, classroom: Classroom, students: Iterable[User | int]) -> int:
    """Take these students (accounts or ids) out of ``classroom``; how many were in it."""
    ids = {student if isinstance(student, int) else student.pk for student in students}
    deleted, _by_model = Membership.objects.filter(
        classroom=classroom, student_id__in=ids
    ).delete()
    return deleted


@transaction.atomic
def rotate_join_code(*, classroom: Classroom) -> str:
    """Give ``classroom`` a fresh join code (the old one stops working at once); students
    already in the class stay. Returns the new code."""
    code = new_join_code()
    while Classroom.objects.filter(join_code=code).exists():  # 31^8 codes: rarely loops
        code = new_join_code()
    classroom.join_code = code
    classroom.save(update_fields=["join_code"])
    return code
