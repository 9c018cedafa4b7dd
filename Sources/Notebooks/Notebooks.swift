// Notebook front-ends and the step runner (issue 4) land here.
