// The course: lessons, quizzes, flashcards (see lessons/FORMAT.md).
