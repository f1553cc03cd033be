"""Classification vs regression (the lecture's slide): the same data as two tasks, why a
sigmoid output wants cross-entropy, softmax for more classes, and the wrong output layer."""
